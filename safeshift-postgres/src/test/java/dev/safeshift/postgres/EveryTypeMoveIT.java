package dev.safeshift.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.ChangeStream;
import dev.safeshift.engine.TableMove;
import dev.safeshift.plan.QualifiedName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every built-in type, an array of each, and enum, domain, composite and extension types are
 * copied (binary COPY where the binary form allows, text otherwise) and streamed (inserts,
 * updates, updates that leave TOASTed values out of the log, key changes, deletes) so that the
 * target holds exactly the source's values.
 */
class EveryTypeMoveIT {

    /** Column type → values (SQL literals), covering each type's edges. */
    private static final Map<String, List<String>> BUILT_IN = new LinkedHashMap<>();

    static {
        add("smallint", "-32768", "0", "32767");
        add("integer", "-2147483648", "42");
        add("bigint", "-9223372036854775808", "9223372036854775807");
        add("numeric(20,6)", "12345678901234.123456", "-0.000001");
        add("numeric", "'NaN'", "0.000000000000000000000000000001", "123456789012345678901234567890.123456789");
        add("real", "'NaN'", "'-Infinity'", "1.4e-45", "3.4028235e38", "'-0'", "0.1");
        add("double precision", "5e-324", "1.7976931348623157e308", "'Infinity'", "0.1", "'-0'");
        add("money", "92233720368547758.07", "-92233720368547758.08", "0.01");
        add("text", "E'tab\\there\\nnew line'", "''", "'ünïcødé ✓ \"quoted\" \\\\ back'");
        add("character varying(20)", "'x,y'", "' '");
        add("character(5)", "'ab'", "''");
        add("\"char\"", "'q'", "'Z'");
        add("name", "'a name'", "'ünï'");
        add("bytea", "'\\x00ff10'", "'\\x'");
        add("boolean", "true", "false");
        add("date", "'2024-02-29'", "'infinity'", "'0044-03-15 BC'");
        add("time(3) without time zone", "'24:00:00'", "'00:00:00.001'", "'12:34:56.789'");
        add("timestamp without time zone", "'0044-03-15 12:00:00.000001 BC'", "'infinity'", "'2020-01-01 00:00:00.5'");
        add("timestamp with time zone", "'2024-02-29 23:59:59.123456+05:30'", "'-infinity'", "'20000-01-01 00:00:00+00'");
        add("interval", "'1 year 2 mons 3 days 04:05:06.789'", "'-1 days -00:00:01'",
                "'2147483647 hours 59 minutes 59.999999 seconds'", "'178000000 years'");
        add("interval year to month", "'3 years 2 months'");
        add("point", "'(1.5,2)'", "'(0.1,1e-300)'");
        add("line", "'{1,2,3}'");
        add("lseg", "'[(1,2),(3,4)]'");
        add("box", "'(1,2),(3,4)'");
        add("path", "'[(1,2),(3,4)]'", "'((0,0),(1,1),(2,0))'");
        add("polygon", "'((0,0),(1,1),(1,0))'");
        add("circle", "'<(1,2),3>'");
        add("inet", "'192.168.0.1/24'", "'::1'");
        add("cidr", "'10.0.0.0/8'", "'2001:db8::/32'");
        add("macaddr", "'08:00:2b:01:02:03'");
        add("macaddr8", "'08:00:2b:01:02:03:04:05'");
        add("bit(4)", "B'1010'");
        add("bit varying(10)", "B'1'", "B''");
        add("tsvector", "'a fat:1A cat:2B,3'", "''");
        add("tsquery", "'fat & (rat | !cat)'");
        add("uuid", "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'");
        add("xml", "'<a b=\"1\">x &amp; y</a>'", "'plain text content'");
        add("json", "'{\"a\" : 1, \"a\": 2}'", "'[]'");
        add("jsonb", "'{\"k\": [1, \"two\", null], \"n\": 1.50}'", "'\"\"'");
        add("jsonpath", "'$.a[*] ? (@ > 1)'");
        add("int4range", "'[1,5)'", "'empty'");
        add("int8range", "'(,10]'");
        add("numrange", "'[1.5,2.25]'");
        add("tsrange", "'[2020-01-01,2020-02-01)'");
        add("tstzrange", "'[2020-01-01 00:00+00,infinity)'");
        add("daterange", "'[2020-01-01,2020-02-01)'");
        add("int4multirange", "'{[1,3),[5,7)}'", "'{}'");
        add("int8multirange", "'{[1,2)}'");
        add("nummultirange", "'{[1.5,2.5]}'");
        add("tsmultirange", "'{[2020-01-01,2020-01-02)}'");
        add("tstzmultirange", "'{[2020-01-01 00:00+00,2020-01-02 00:00+00)}'");
        add("datemultirange", "'{[2020-01-01,2020-01-05)}'");
        add("oid", "4294967295", "0");
        add("xid", "'123'");
        add("xid8", "'1234567890123'");
        add("cid", "'5'");
        add("tid", "'(1,2)'");
        add("pg_lsn", "'16/B374D848'");
        add("txid_snapshot", "'10:20:10,14,15'");
        add("pg_snapshot", "'10:20:10,14,15'");
        add("refcursor", "'cur'");
    }

    private static void add(String type, String... values) {
        BUILT_IN.put(type, List.of(values));
    }

    private static final QualifiedName BUILT_IN_TABLE = new QualifiedName("public", "built_in");

    @Test
    void everyBuiltInTypeAndAnArrayOfEachCopyInBinaryAndStreamExactly() {
        List<String> columns = new ArrayList<>(List.of("id bigint PRIMARY KEY", "big text",
                "vectors int2vector", "oids oidvector", "grid integer[]"));
        List<String> names = new ArrayList<>();
        int n = 0;
        for (String type : BUILT_IN.keySet()) {
            columns.add("c" + n + " " + type);
            columns.add("a" + n + " " + type + "[]");
            names.add("c" + n);
            names.add("a" + n);
            n++;
        }
        try (MoveFixture db = new MoveFixture("every_builtin")) {
            db.source("CREATE TABLE public.built_in (" + String.join(", ", columns) + ")");
            db.source(insert(1, 0), insert(2, 1), insert(3, 2), "INSERT INTO public.built_in (id) VALUES (4)");
            TableMove move = db.describe(BUILT_IN_TABLE);
            assertThat(((SourceDefinition) move.source().definition()).binaryCopy()).isTrue();
            db.backfill(List.of(move), 2);
            assertThat(MoveFixture.rows(db.target, "public.built_in", "id"))
                    .containsExactlyElementsOf(MoveFixture.rows(db.source, "public.built_in", "id"));

            try (ChangeStream stream = db.stream(List.of(move))) {
                db.source(insert(5, 3), insert(6, 4),
                        update(1, 1), update(2, 5),
                        // every column NULL after having values
                        "UPDATE public.built_in SET (" + String.join(", ", names) + ") = ("
                                + String.join(", ", names.stream().map(c -> "NULL").toList()) + ") WHERE id = 3",
                        "UPDATE public.built_in SET big = (SELECT string_agg(md5(g::text), '') FROM generate_series(1, 600) g) "
                                + "WHERE id = 6",
                        // the large value is not in the log for these: only what changed is
                        update(6, 2),
                        "UPDATE public.built_in SET id = 60 WHERE id = 6",
                        "UPDATE public.built_in SET id = 10 WHERE id = 1",
                        "DELETE FROM public.built_in WHERE id = 2");
                db.awaitIdentical(stream, "public.built_in", "public.built_in", "id");
            }
        }
    }

    /** Row {@code id} with each column's value number {@code shift} (wrapping), its array holding it and a NULL. */
    private static String insert(int id, int shift) {
        List<String> values = new ArrayList<>(List.of(Integer.toString(id), "'small " + id + "'", "'1 2'", "'3 4'",
                "'[0:1][1:2]={{1,2},{3,NULL}}'"));
        for (Map.Entry<String, List<String>> type : BUILT_IN.entrySet()) {
            String value = value(type, shift);
            values.add(value);
            values.add("ARRAY[" + value + ", NULL, " + value(type, shift + 1) + "]::" + type.getKey() + "[]");
        }
        return "INSERT INTO public.built_in VALUES (" + String.join(", ", values) + ")";
    }

    private static String update(int id, int shift) {
        List<String> sets = new ArrayList<>();
        int n = 0;
        for (Map.Entry<String, List<String>> type : BUILT_IN.entrySet()) {
            sets.add("c" + n + " = " + value(type, shift + n));
            sets.add("a" + n + " = ARRAY[" + value(type, shift) + "]::" + type.getKey() + "[]");
            n++;
        }
        return "UPDATE public.built_in SET " + String.join(", ", sets) + " WHERE id = " + id;
    }

    private static String value(Map.Entry<String, List<String>> type, int shift) {
        List<String> values = type.getValue();
        return "CAST(" + values.get(Math.floorMod(shift, values.size())) + " AS " + type.getKey() + ")";
    }

    private static final String USER_TYPES = """
            CREATE SCHEMA "Sales Ops";
            CREATE TYPE "Sales Ops"."Mood" AS ENUM ('calm', 'it''s "fine"', 'ünïcødé');
            CREATE DOMAIN "Sales Ops".positive AS numeric(12,2) CONSTRAINT positive_check CHECK (VALUE > 0);
            CREATE DOMAIN "Sales Ops".code AS text COLLATE "C" DEFAULT 'none' CHECK (length(VALUE) < 20);
            CREATE TYPE "Sales Ops".address AS (street text, code "Sales Ops".code, mood "Sales Ops"."Mood",
                                                tags text[], at timetz, amount money)""";

    private static final String USER_TABLE = """
            CREATE TABLE "Sales Ops"."order-lines.2026" (
              "Line ID" bigint PRIMARY KEY,
              "ünïcødé" text,
              mood "Sales Ops"."Mood", moods "Sales Ops"."Mood"[],
              amount "Sales Ops".positive, amounts "Sales Ops".positive[],
              code "Sales Ops".code,
              address "Sales Ops".address, addresses "Sales Ops".address[],
              ci citext, cis citext[], h hstore, hs hstore[],
              big text)""";

    private static final QualifiedName USER_NAME = new QualifiedName("Sales Ops", "order-lines.2026");
    private static final String USER_SQL = "\"Sales Ops\".\"order-lines.2026\"";

    private static String userRow(long id, String mood, String text) {
        return "INSERT INTO " + USER_SQL + " VALUES (" + id + ", " + text + ", " + mood + ", ARRAY[" + mood + ", NULL]::"
                + "\"Sales Ops\".\"Mood\"[], 12.5, '{1.25,NULL}', 'C-" + id + "', ROW('Main St. 1, \"A\"', 'Z9', " + mood
                + ", '{a,\"b c\"}', '04:05:06.789+05:30', 12.34)::\"Sales Ops\".address, ARRAY[ROW('x', 'y', 'calm', "
                + "'{}', '23:59:59-12', -1)::\"Sales Ops\".address, NULL], 'MiXed Case', '{A,b}', 'a=>1, \"b c\"=>NULL', "
                + "ARRAY['x=>\"y,z\"'::hstore, NULL], NULL)";
    }

    @Test
    void enumDomainCompositeAndExtensionTypesAreCreatedOrRequiredAndTheirValuesMoveAsText() {
        try (MoveFixture db = new MoveFixture("every_user_type")) {
            db.source("CREATE EXTENSION citext", "CREATE EXTENSION hstore", USER_TYPES, USER_TABLE,
                    userRow(1, "'calm'", "'plain'"), userRow(2, "'it''s \"fine\"'", "E'ünï\\ncødé'"),
                    "INSERT INTO " + USER_SQL + " (\"Line ID\") VALUES (3)");
            TableMove move = db.describe(USER_NAME);
            SourceDefinition definition = (SourceDefinition) move.source().definition();
            assertThat(definition.binaryCopy()).as("arrays of user types embed their type ids").isFalse();
            assertThat(definition.types()).extracting(SourceDefinition.TypeDefinition::name)
                    .containsExactly("\"Sales Ops\".\"Mood\"", "\"Sales Ops\".positive", "\"Sales Ops\".code",
                            "\"Sales Ops\".address");

            // the target lacks the extensions: refused with the statements to run, and nothing created
            assertThatThrownBy(() -> db.engine.prepareTarget(move, true, false))
                    .isInstanceOfSatisfying(SafeshiftException.class, e -> {
                        assertThat(e.kind()).isEqualTo(SafeshiftException.Kind.TARGET_CONFLICT);
                        assertThat(e.getMessage()).contains("the extension citext", "the extension hstore",
                                "CREATE EXTENSION \"citext\" SCHEMA \"public\";",
                                "CREATE EXTENSION \"hstore\" SCHEMA \"public\";");
                    });
            assertThat(MoveFixture.text(db.target, "SELECT count(*) FROM pg_namespace WHERE nspname = 'Sales Ops'"))
                    .isEqualTo("0");

            db.target("CREATE EXTENSION citext", "CREATE EXTENSION hstore");
            db.backfill(List.of(move), 1);
            for (String type : List.of("\"Sales Ops\".\"Mood\"", "\"Sales Ops\".positive", "\"Sales Ops\".code",
                    "\"Sales Ops\".address")) {
                String facts = "SELECT format_type(t.oid, NULL) || ' ' || t.typtype || ' ' || coalesce(format_type(t.typbasetype, "
                        + "t.typtypmod), '') || ' ' || coalesce((SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) "
                        + "FROM pg_enum WHERE enumtypid = t.oid), '') || ' ' || coalesce((SELECT string_agg("
                        + "pg_get_constraintdef(oid), ',') FROM pg_constraint WHERE contypid = t.oid), '') "
                        + "FROM pg_type t WHERE t.oid = '" + type.replace("'", "''") + "'::regtype";
                assertThat(MoveFixture.text(db.target, facts)).isEqualTo(MoveFixture.text(db.source, facts));
            }
            assertThat(MoveFixture.rows(db.target, USER_SQL, "1")).isNotEmpty();

            try (ChangeStream stream = db.stream(List.of(move))) {
                db.source(userRow(4, "'ünïcødé'", "'four'"),
                        "UPDATE " + USER_SQL + " SET mood = 'ünïcødé', address.street = 'changed', h = h || 'c=>3' "
                                + "WHERE \"Line ID\" = 1",
                        "UPDATE " + USER_SQL + " SET big = (SELECT string_agg(md5(g::text), '') FROM generate_series(1, 600) g) "
                                + "WHERE \"Line ID\" = 2",
                        "UPDATE " + USER_SQL + " SET ci = 'other' WHERE \"Line ID\" = 2",
                        "UPDATE " + USER_SQL + " SET \"Line ID\" = 20 WHERE \"Line ID\" = 2",
                        "DELETE FROM " + USER_SQL + " WHERE \"Line ID\" = 3");
                db.awaitIdentical(stream, USER_SQL, USER_SQL, "\"Line ID\"");
            }
        }
    }

    @Test
    void typesWhoseValuesCannotBeCarriedAreRefusedWithTheReason() {
        try (MoveFixture db = new MoveFixture("refused_types")) {
            db.source("CREATE DOMAIN local_time AS timetz",
                    "CREATE TABLE public.odd (id int PRIMARY KEY, fine timetz[], at local_time, rel regclass, acl aclitem[])");
            assertThatThrownBy(() -> db.describe(new QualifiedName("public", "odd")))
                    .isInstanceOfSatisfying(SafeshiftException.class, e -> {
                        assertThat(e.kind()).isEqualTo(SafeshiftException.Kind.UNSUPPORTED_TABLE);
                        assertThat(e.getMessage())
                                .contains("\"at\" (time with time zone: the change stream reads it in UTC")
                                .contains("\"rel\" (regclass values are object ids of the source database")
                                .contains("\"acl\" (aclitem values are privileges")
                                .doesNotContain("\"fine\"");
                    });
            // without the refused columns the table moves
            TableMove move = db.describe(new QualifiedName("public", "odd"), new QualifiedName("public", "odd"),
                    List.of("id", "fine"));
            assertThat(move.source().columnNames()).containsExactly("id", "fine");
        }
    }
}
