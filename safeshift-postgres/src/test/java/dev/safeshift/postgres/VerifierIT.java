package dev.safeshift.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safeshift.engine.Checksum;
import dev.safeshift.engine.ColumnInfo;
import dev.safeshift.engine.Engine;
import dev.safeshift.engine.KeyRange;
import dev.safeshift.engine.RowDigest;
import dev.safeshift.engine.Side;
import dev.safeshift.engine.TableComparer;
import dev.safeshift.engine.TableInfo;
import dev.safeshift.engine.TableMove;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.plan.TableSpec;
import dev.safeshift.testing.EmbeddedPostgres;
import dev.safeshift.verify.RowDifference;
import dev.safeshift.verify.RowDifference.Kind;
import dev.safeshift.verify.SamplePromise;
import dev.safeshift.verify.Scope;
import dev.safeshift.verify.TableVerdict;
import dev.safeshift.verify.VerificationReport;
import dev.safeshift.verify.Verifier;
import dev.safeshift.verify.VerifyListener;
import dev.safeshift.verify.VerifySettings;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleConsumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The verifier with the PostgreSQL comparer, against real databases: the target starts as an
 * exact copy of the source (the same deterministic SQL run in both), then chosen rows are
 * changed, removed or added, and the report must name exactly those keys.
 */
class VerifierIT {

    private static Endpoint source;
    private static Endpoint target;
    private static Engine engine;

    @BeforeAll
    static void databases() throws SQLException {
        source = EmbeddedPostgres.newDatabase("verify_src");
        target = EmbeddedPostgres.newDatabase("verify_tgt");
        // The two databases print floats and bytea differently by default; the comparer's sessions
        // must not care. (pgjdbc sets its own TimeZone and DateStyle when it connects.)
        configure(source, "extra_float_digits = 0", "IntervalStyle = 'iso_8601'");
        configure(target, "extra_float_digits = -3", "bytea_output = 'escape'", "IntervalStyle = 'sql_standard'");
        assertThat(scalar(source, "SELECT 1 / 3::float8 || ' ' || '\\x01'::bytea")).isEqualTo("0.333333333333333 \\x01");
        assertThat(scalar(target, "SELECT 1 / 3::float8 || ' ' || '\\x01'::bytea")).isEqualTo("0.333333333333 \\001");
        engine = new PostgresEngineProvider().create(source, target);
    }

    private static void configure(Endpoint database, String... settings) throws SQLException {
        String name = database.url().substring(database.url().lastIndexOf('/') + 1);
        for (String setting : settings) {
            run(database, "ALTER DATABASE " + name + " SET " + setting);
        }
    }

    // ---------------------------------------------------------------- every supported column type

    private static final List<String> TYPED_COLUMNS = List.of("id", "c_smallint", "c_integer", "c_bigint", "c_numeric",
            "c_text", "c_varchar", "c_char", "c_boolean", "c_timestamptz", "c_timestamp", "c_date", "c_uuid", "c_jsonb",
            "c_bytea", "c_int_array", "c_text_array");

    /** 24,000 rows with keys 10, 20, ... so that a row can be added between two others. */
    private static final String TYPED_ROWS = """
            INSERT INTO typed
            SELECT g * 10,
                   g::smallint,
                   g * 7,
                   g::bigint * 1000000007,
                   CASE WHEN g % 500 = 0 THEN 1.0 ELSE round(g::numeric / 8, 3) END,
                   CASE WHEN g % 997 = 0 THEN '' WHEN g % 991 = 0 THEN NULL ELSE 'text ' || g END,
                   'varchar ' || g,
                   CASE WHEN g % 2 = 0 THEN 'ab' ELSE 'c' || (g % 1000) END,
                   g % 3 = 0,
                   timestamptz '2024-01-01 00:00:00+00' + g * interval '1.123457 seconds',
                   timestamp '2024-01-01 00:00:00' + g * interval '1 minute 0.000007 seconds',
                   date '2000-01-01' + g,
                   md5(g::text)::uuid,
                   jsonb_build_object('g', g, 'tags', jsonb_build_array('x', g % 7)),
                   decode(md5(g::text), 'hex'),
                   ARRAY[g, g + 1, g % 5],
                   ARRAY['t' || g, 'u' || (g % 3)]
              FROM generate_series(1, 24000) AS g""";

    @Test
    void reportsExactlyTheInjectedDifferencesInEveryColumnType() throws Exception {
        both("""
                CREATE TABLE typed (
                    id bigint PRIMARY KEY, c_smallint smallint, c_integer integer, c_bigint bigint, c_numeric numeric,
                    c_text text, c_varchar varchar(40), c_char char(5), c_boolean boolean, c_timestamptz timestamptz,
                    c_timestamp timestamp, c_date date, c_uuid uuid, c_jsonb jsonb, c_bytea bytea,
                    c_int_array integer[], c_text_array text[])""", TYPED_ROWS, "ANALYZE typed");
        // Chunks of 2,000 rows: chunk i holds g = 2000 i + 1 .. 2000 (i + 1), key g * 10.
        onTarget(
                // chunk 0: two neighbours, in the same leaf of the narrowing
                "UPDATE typed SET c_smallint = c_smallint + 1 WHERE id = 1500",
                "UPDATE typed SET c_integer = c_integer - 1 WHERE id = 1510",
                // chunk 1: three differences, one of them a missing row; '' in the source, NULL here
                "UPDATE typed SET c_bigint = c_bigint + 1 WHERE id = 25000",
                "UPDATE typed SET c_text = NULL WHERE id = 29910",
                "DELETE FROM typed WHERE id = 33330",
                // chunk 2: a changed amount and a row the source does not have
                "UPDATE typed SET c_numeric = c_numeric + 0.001 WHERE id = 41000",
                "INSERT INTO typed SELECT 55555, c_smallint, c_integer, c_bigint, c_numeric, c_text, c_varchar, c_char, "
                        + "c_boolean, c_timestamptz, c_timestamp, c_date, c_uuid, c_jsonb, c_bytea, c_int_array, "
                        + "c_text_array FROM typed WHERE id = 55550",
                // chunk 3: the chunk's first and last rows, and one row with three changed columns
                "UPDATE typed SET c_text = 'Text 6001' WHERE id = 60010",
                "UPDATE typed SET c_integer = 0, c_jsonb = c_jsonb || '{\"g\": 0}', c_text_array[2] = 'U1' WHERE id = 70000",
                "UPDATE typed SET c_varchar = 'varchar 8000 ' WHERE id = 80000",
                // chunk 4
                "UPDATE typed SET c_char = 'aB' WHERE id = 80020",
                "UPDATE typed SET c_boolean = NOT c_boolean WHERE id = 99990",
                // chunk 5: one microsecond either way
                "UPDATE typed SET c_timestamptz = c_timestamptz + interval '1 microsecond' WHERE id = 105000",
                "UPDATE typed SET c_timestamp = c_timestamp - interval '1 microsecond' WHERE id = 105010",
                // chunk 6
                "UPDATE typed SET c_date = c_date + 1 WHERE id = 123450",
                "UPDATE typed SET c_uuid = md5('other')::uuid WHERE id = 140000",
                // chunk 7
                "UPDATE typed SET c_jsonb = jsonb_set(c_jsonb, '{tags,1}', '99') WHERE id = 140010",
                "UPDATE typed SET c_bytea = set_byte(c_bytea, 15, (get_byte(c_bytea, 15) + 1) % 256) WHERE id = 160000",
                // chunk 8
                "UPDATE typed SET c_int_array[3] = c_int_array[3] + 1 WHERE id = 177770",
                // chunk 9: NULL in the source, '' here; an array element changed in case only
                "UPDATE typed SET c_text = '' WHERE id = 188290",
                "UPDATE typed SET c_text_array[1] = 'T19999' WHERE id = 199990",
                // equal by design, in chunks with differences and in chunks 10 and 11, which have no other
                "UPDATE typed SET c_numeric = 1.00 WHERE id IN (10000, 210000, 230000)",
                "UPDATE typed SET c_char = 'ab   ' WHERE id IN (20, 210020)",
                "UPDATE typed SET c_jsonb = '{\"tags\": [\"x\", 0], \"g\": 21007}' WHERE id = 210070");
        assertThat(scalar(source, "SELECT c_numeric::text FROM typed WHERE id = 10000")).isEqualTo("1.0");
        assertThat(scalar(target, "SELECT c_numeric::text FROM typed WHERE id = 10000")).isEqualTo("1.00");

        Map<List<String>, Expected> expected = new LinkedHashMap<>();
        expected.put(key("1500"), different("c_smallint"));
        expected.put(key("1510"), different("c_integer"));
        expected.put(key("25000"), different("c_bigint"));
        expected.put(key("29910"), different("c_text"));
        expected.put(key("33330"), new Expected(Kind.MISSING_IN_TARGET, TYPED_COLUMNS));
        expected.put(key("41000"), different("c_numeric"));
        expected.put(key("55555"), new Expected(Kind.EXTRA_IN_TARGET, TYPED_COLUMNS));
        expected.put(key("60010"), different("c_text"));
        expected.put(key("70000"), different("c_integer", "c_jsonb", "c_text_array"));
        expected.put(key("80000"), different("c_varchar"));
        expected.put(key("80020"), different("c_char"));
        expected.put(key("99990"), different("c_boolean"));
        expected.put(key("105000"), different("c_timestamptz"));
        expected.put(key("105010"), different("c_timestamp"));
        expected.put(key("123450"), different("c_date"));
        expected.put(key("140000"), different("c_uuid"));
        expected.put(key("140010"), different("c_jsonb"));
        expected.put(key("160000"), different("c_bytea"));
        expected.put(key("177770"), different("c_int_array"));
        expected.put(key("188290"), different("c_text"));
        expected.put(key("199990"), different("c_text_array"));

        TableMove move = describe("typed");
        // The first settings split a chunk once and then compare digests; the second narrow
        // through several levels of four parts each before comparing digests of at most 40 rows.
        VerifySettings shallow = new VerifySettings(4, 2_000, 16, 1_000, 2, 6, VerifySettings.DEFAULTS.settleTimeout());
        VerifySettings deep = new VerifySettings(4, 2_000, 4, 40, 2, 6, VerifySettings.DEFAULTS.settleTimeout());
        TableVerdict verdict = null;
        for (VerifySettings settings : List.of(deep, shallow)) {
            Recorded recorded = new Recorded();
            verdict = verifyOne(move, settings, Scope.full(), recorded);

            assertThat(actual(verdict)).as("differences with %s", settings).containsExactlyEntriesOf(expected);
            assertThat(verdict.unsettledKeys()).isEmpty();
            assertThat(verdict.sourceRows()).isEqualTo(24_000);
            assertThat(verdict.targetRows()).isEqualTo(24_000);
            assertThat(verdict.rowsChecked()).isEqualTo(24_000);
            assertThat(verdict.chunks()).isEqualTo(12);
            assertThat(verdict.chunksChecked()).isEqualTo(12);
            // chunks 10 and 11 differ only in ways that are equal by design: their checksums match
            assertThat(verdict.chunksMismatched()).isEqualTo(10);
            assertThat(verdict.missingInTarget()).isEqualTo(1);
            assertThat(verdict.extraInTarget()).isEqualTo(1);
            assertThat(verdict.differing()).isEqualTo(19);
            // narrowing read only small ranges row by row, never a whole chunk
            assertThat(recorded.largestDigestRead.get()).isLessThanOrEqualTo((int) settings.leafRows());
            // deep: 2,000 rows > 500 > 125 > 40, three splits at least in each of the 10 chunks
            assertThat(recorded.splits.get()).isGreaterThanOrEqualTo(settings == deep ? 30 : 10);
            assertThat(recorded.passes.get()).as("one pass over each side").isEqualTo(2);
        }

        Map<List<String>, RowDifference> byKey = verdict.differences().stream()
                .collect(Collectors.toMap(RowDifference::key, d -> d));
        assertThat(byKey.get(key("105000")).columns()).isEqualTo(TYPED_COLUMNS);
        assertThat(value(byKey.get(key("105000")), "c_timestamptz"))
                .containsExactly("2024-01-01 03:16:36.2985+00", "2024-01-01 03:16:36.298501+00");
        assertThat(value(byKey.get(key("105010")), "c_timestamp"))
                .containsExactly("2024-01-08 07:01:00.073507", "2024-01-08 07:01:00.073506");
        assertThat(value(byKey.get(key("29910")), "c_text")).containsExactly("", null);
        assertThat(value(byKey.get(key("188290")), "c_text")).containsExactly(null, "");
        assertThat(value(byKey.get(key("41000")), "c_numeric")).containsExactly("512.5", "512.501");
        assertThat(value(byKey.get(key("80020")), "c_char")).containsExactly("ab", "aB");
        assertThat(value(byKey.get(key("160000")), "c_bytea")).allSatisfy(bytes -> assertThat(bytes).startsWith("\\x"));
        assertThat(byKey.get(key("33330")).sourceRow()).isPresent();
        assertThat(byKey.get(key("33330")).targetRow()).isEmpty();
        assertThat(byKey.get(key("55555")).sourceRow()).isEmpty();
        assertThat(byKey.get(key("55555")).targetRow()).isPresent();
    }

    @Test
    void floatsAndJsonDescribedByHandAreComparedByValue() throws Exception {
        both("CREATE TABLE floats (id integer PRIMARY KEY, c_double double precision, c_real real, c_json json)",
                """
                INSERT INTO floats
                SELECT g,
                       CASE WHEN g % 1000 = 0 THEN 'NaN' WHEN g % 700 = 0 THEN 0 ELSE g / 7.0::float8 END,
                       CASE WHEN g % 1000 = 0 THEN 'NaN' WHEN g % 700 = 0 THEN 0 ELSE g::real / 3::real END,
                       json_build_object('a', g, 'b', 'x' || g)
                  FROM generate_series(1, 5000) AS g""");
        // Chunks of 500 rows: chunk i holds ids 500 i + 1 .. 500 (i + 1).
        nudge("c_double", 100);   // chunk 0: one unit in the last place
        nudge("c_real", 1234);    // chunk 2
        onTarget(
                "UPDATE floats SET c_json = '{\"a\" : 2501, \"b\" : \"x2500\"}' WHERE id = 2500", // chunk 4
                "UPDATE floats SET c_double = 'NaN' WHERE id = 3001",                                // chunk 6
                // equal by design: -0 is 0, NaN is NaN (ids 1000, 2000, ...), key order and spaces in json
                "UPDATE floats SET c_double = '-0', c_real = '-0' WHERE id IN (700, 2800)",
                "UPDATE floats SET c_json = ('{ \"b\":\"x' || id || '\",   \"a\":' || id || ' }')::json "
                        + "WHERE id IN (300, 3000, 4999)");
        assertThat(scalar(target, "SELECT c_double::text FROM floats WHERE id = 700")).isEqualTo("-0");

        TableInfo table = new TableInfo(new QualifiedName("public", "floats"), List.of(
                new ColumnInfo("id", "integer", false, null),
                new ColumnInfo("c_double", "double precision", true, null),
                new ColumnInfo("c_real", "real", true, null),
                new ColumnInfo("c_json", "json", true, null)), List.of("id"), 5_000, 0, List.of());
        TableVerdict verdict = verifyOne(new TableMove(table, table.name()), VerifySettings.DEFAULTS.withRowsPerChunk(500),
                Scope.full(), new Recorded());

        Map<List<String>, Expected> expected = new LinkedHashMap<>();
        expected.put(key("100"), different("c_double"));
        expected.put(key("1234"), different("c_real"));
        expected.put(key("2500"), different("c_json"));
        expected.put(key("3001"), different("c_double"));
        assertThat(actual(verdict)).containsExactlyEntriesOf(expected);
        assertThat(verdict.chunks()).isEqualTo(10);
        assertThat(verdict.chunksMismatched()).isEqualTo(4);
        assertThat(verdict.sourceRows()).isEqualTo(5_000);
        assertThat(verdict.targetRows()).isEqualTo(5_000);
        RowDifference json = verdict.differences().get(2);
        assertThat(value(json, "c_json")).containsExactly("{\"a\": 2500, \"b\": \"x2500\"}", "{\"a\": 2501, \"b\": \"x2500\"}");
        RowDifference nan = verdict.differences().get(3);
        assertThat(Double.parseDouble(value(nan, "c_double").get(0))).isEqualTo(3001 / 7.0);
        assertThat(value(nan, "c_double").get(1)).isEqualTo("NaN");
        RowDifference ulp = verdict.differences().get(0);
        assertThat(Double.parseDouble(value(ulp, "c_double").get(1))).isEqualTo(Math.nextUp(100 / 7.0));
    }

    /** Sets a float column of one target row to the next representable value above the source's. */
    private static void nudge(String column, int id) throws SQLException {
        try (Connection connection = EmbeddedPostgres.connect(target);
             Statement statement = connection.createStatement()) {
            statement.execute("SET extra_float_digits = 3"); // the database's own setting prints too few digits
            try (ResultSet rows = statement.executeQuery("SELECT " + column + " FROM floats WHERE id = " + id);
                 PreparedStatement update = connection.prepareStatement(
                         "UPDATE floats SET " + column + " = ? WHERE id = " + id)) {
                rows.next();
                if (column.equals("c_real")) {
                    update.setFloat(1, Math.nextUp(rows.getFloat(1)));
                } else {
                    update.setDouble(1, Math.nextUp(rows.getDouble(1)));
                }
                assertThat(update.executeUpdate()).isEqualTo(1);
            }
        }
    }

    // ---------------------------------------------------------------- keys of other types

    @Test
    void compositeKeysAreNarrowedAndReported() throws Exception {
        both("CREATE TABLE tenants (tenant text, id int, payload text, PRIMARY KEY (tenant, id))",
                "INSERT INTO tenants SELECT (ARRAY['acme', 'Acme', 'ACME', 'Émile & Fils', 'emile', 'O''Hara', 'o hara', "
                        + "' space', 'zoë'])[g % 9 + 1], g, 'payload ' || g FROM generate_series(1, 9000) AS g",
                "ANALYZE tenants");
        TableMove move = describe("tenants");
        VerifySettings settings = VerifySettings.DEFAULTS.withRowsPerChunk(1_000);

        TableVerdict clean = verifyOne(move, settings, Scope.full(), new Recorded());
        assertThat(clean.clean()).isTrue();
        assertThat(clean.chunks()).isEqualTo(9);
        assertThat(clean.sourceRows()).isEqualTo(9_000);
        assertThat(clean.targetRows()).isEqualTo(9_000);

        onTarget("UPDATE tenants SET payload = 'changed' WHERE tenant = 'O''Hara' AND id = 4505");
        TableVerdict verdict = verifyOne(move, settings, Scope.full(), new Recorded());
        assertThat(actual(verdict)).containsExactly(Map.entry(List.of("O'Hara", "4505"), different("payload")));
        assertThat(verdict.chunksMismatched()).isEqualTo(1);
    }

    @Test
    void textKeysWithCaseAccentsSpacesAndQuotesAreNarrowedAndReported() throws Exception {
        String words = "ARRAY['Apple', 'apple', 'APPLE', 'Ångström', 'angstrom', 'café', 'cafe', 'naïve rôle', "
                + "'O''Brien', 'say \"hi\"', ' leading', 'trailing ', 'back\\slash', '東京', 'emoji \uD83D\uDE00']";
        both("CREATE TABLE words (word text PRIMARY KEY, n int)",
                "INSERT INTO words SELECT (" + words + ")[g % 15 + 1] || '/' || g, g FROM generate_series(1, 6000) AS g",
                "INSERT INTO words SELECT w, -1 FROM unnest(" + words + ") AS w",
                "ANALYZE words");
        TableMove move = describe("words");
        VerifySettings settings = VerifySettings.DEFAULTS.withRowsPerChunk(500);

        TableVerdict clean = verifyOne(move, settings, Scope.full(), new Recorded());
        assertThat(clean.clean()).isTrue();
        assertThat(clean.chunks()).isGreaterThanOrEqualTo(12);
        assertThat(clean.sourceRows()).isEqualTo(6_015);

        onTarget("UPDATE words SET n = 0 WHERE word = 'O''Brien'",
                "DELETE FROM words WHERE word = 'trailing '",
                "UPDATE words SET n = 0 WHERE word = 'say \"hi\"/9'");
        TableVerdict verdict = verifyOne(move, settings, Scope.full(), new Recorded());
        assertThat(actual(verdict)).containsOnly(
                Map.entry(List.of("O'Brien"), different("n")),
                Map.entry(List.of("trailing "), new Expected(Kind.MISSING_IN_TARGET, List.of("word", "n"))),
                Map.entry(List.of("say \"hi\"/9"), different("n")));
        assertThat(verdict.differences()).hasSize(3);
        assertThat(verdict.targetRows()).isEqualTo(6_014);
    }

    @Test
    void textKeysOrderedDifferentlyOnTheTwoSidesAreStillComparedByKey() throws Exception {
        // The source orders the key bytewise (C.UTF-8); the target's key column orders by ICU rules
        // ('apple' < 'Apple' < 'Ångström' < 'b'). Ranges then hold other rows on each side: that
        // costs work, but every verdict is reached by looking keys up by equality.
        String words = "ARRAY['Apple', 'apple', 'APPLE', 'Ångström', 'angstrom', 'café', 'cafe', 'Zebra', 'zebra', "
                + "'_under', '-dash', ' space', '10', '9', 'éclair', 'Eclair']";
        String rows = "INSERT INTO ordered SELECT (" + words + ")[g % 16 + 1] || g, g FROM generate_series(1, 8000) AS g";
        onSource("CREATE TABLE ordered (word text PRIMARY KEY, n int)", rows, "ANALYZE ordered");
        onTarget("CREATE TABLE ordered (word text COLLATE \"en-x-icu\" PRIMARY KEY, n int)", rows);
        assertThat(scalar(source, "SELECT string_agg(w, ',' ORDER BY w) FROM unnest(ARRAY['b', 'B', 'a']) AS w"))
                .isEqualTo("B,a,b");
        assertThat(scalar(target, "SELECT string_agg(w, ',' ORDER BY w COLLATE \"en-x-icu\") "
                + "FROM unnest(ARRAY['b', 'B', 'a']) AS w")).isEqualTo("a,b,B");
        TableMove move = describe("ordered");
        VerifySettings settings = VerifySettings.DEFAULTS.withRowsPerChunk(500);

        TableVerdict clean = verifyOne(move, settings, Scope.full(), new Recorded());
        assertThat(clean.differences()).isEmpty();
        assertThat(clean.unsettledKeys()).isEmpty();
        assertThat(clean.sourceRows()).isEqualTo(8_000);
        assertThat(clean.targetRows()).isEqualTo(8_000);
        assertThat(clean.chunksMismatched()).as("chunks whose rows the two orders put elsewhere").isPositive();

        onTarget("UPDATE ordered SET n = -1 WHERE word = 'Ångström3'",
                "DELETE FROM ordered WHERE word = 'apple7985'",
                "INSERT INTO ordered VALUES ('APPLE', 0)");
        TableVerdict verdict = verifyOne(move, settings, Scope.full(), new Recorded());
        assertThat(actual(verdict)).containsOnly(
                Map.entry(List.of("Ångström3"), different("n")),
                Map.entry(List.of("apple7985"), new Expected(Kind.MISSING_IN_TARGET, List.of("word", "n"))),
                Map.entry(List.of("APPLE"), new Expected(Kind.EXTRA_IN_TARGET, List.of("word", "n"))));
        assertThat(verdict.differences()).hasSize(3);
        assertThat(verdict.unsettledKeys()).isEmpty();
    }

    @Test
    void uuidKeysAreNarrowedAndReported() throws Exception {
        both("CREATE TABLE ids (id uuid PRIMARY KEY, n int)",
                "INSERT INTO ids SELECT md5(g::text)::uuid, g FROM generate_series(1, 5000) AS g",
                "ANALYZE ids");
        TableMove move = describe("ids");
        VerifySettings settings = VerifySettings.DEFAULTS.withRowsPerChunk(500);

        TableVerdict clean = verifyOne(move, settings, Scope.full(), new Recorded());
        assertThat(clean.clean()).isTrue();
        assertThat(clean.chunks()).isEqualTo(10);

        onTarget("INSERT INTO ids VALUES (md5('extra')::uuid, 0)");
        String extra = scalar(source, "SELECT md5('extra')::uuid::text");
        TableVerdict verdict = verifyOne(move, settings, Scope.full(), new Recorded());
        assertThat(actual(verdict)).containsExactly(
                Map.entry(List.of(extra), new Expected(Kind.EXTRA_IN_TARGET, List.of("id", "n"))));
        assertThat(verdict.sourceRows()).isEqualTo(5_000);
        assertThat(verdict.targetRows()).isEqualTo(5_001);
    }

    // ---------------------------------------------------------------- empty and one-row tables

    @Test
    void emptyAndOneRowTables() throws Exception {
        for (String table : List.of("empty_both", "one_both", "one_source", "one_target")) {
            both("CREATE TABLE " + table + " (id int PRIMARY KEY, v text)");
        }
        both("INSERT INTO one_both VALUES (1, 'one')");
        onSource("INSERT INTO one_source VALUES (1, 'one')");
        onTarget("INSERT INTO one_target VALUES (1, 'one')");
        List<TableMove> moves = new ArrayList<>();
        for (String table : List.of("empty_both", "one_both", "one_source", "one_target")) {
            moves.add(describe(table));
        }

        VerificationReport report = verify(moves, VerifySettings.DEFAULTS, Scope.full(), new Recorded(), VerifyListener.NONE);
        assertThat(report.promise()).isEmpty();
        List<TableVerdict> verdicts = report.tables();

        assertThat(verdicts.get(0).clean()).isTrue();
        assertThat(List.of(verdicts.get(0).sourceRows(), verdicts.get(0).targetRows())).containsExactly(0L, 0L);
        assertThat(verdicts.get(0).chunks()).isEqualTo(1);

        assertThat(verdicts.get(1).clean()).isTrue();
        assertThat(List.of(verdicts.get(1).sourceRows(), verdicts.get(1).targetRows())).containsExactly(1L, 1L);

        assertThat(actual(verdicts.get(2))).containsExactly(
                Map.entry(List.of("1"), new Expected(Kind.MISSING_IN_TARGET, List.of("id", "v"))));
        assertThat(verdicts.get(2).differences().get(0).sourceRow()).contains(List.of("1", "one"));
        assertThat(List.of(verdicts.get(2).sourceRows(), verdicts.get(2).targetRows())).containsExactly(1L, 0L);

        assertThat(actual(verdicts.get(3))).containsExactly(
                Map.entry(List.of("1"), new Expected(Kind.EXTRA_IN_TARGET, List.of("id", "v"))));
        assertThat(verdicts.get(3).differences().get(0).targetRow()).contains(List.of("1", "one"));
        assertThat(List.of(verdicts.get(3).sourceRows(), verdicts.get(3).targetRows())).containsExactly(0L, 1L);
        assertThat(report.clean()).isFalse();
    }

    // ---------------------------------------------------------------- samples

    @Test
    void aSampleIsRepeatableBySeedAndPromisesWhatTheArithmeticSays() throws Exception {
        both("CREATE TABLE sampled (id int PRIMARY KEY, v text)",
                "INSERT INTO sampled SELECT g, 'value ' || g FROM generate_series(1, 20000) AS g",
                "ANALYZE sampled");
        // One differing row in each of the 40 chunks of 500 rows: the differences a sample reports
        // say exactly which chunks it checked.
        onTarget("UPDATE sampled SET v = 'changed' WHERE id % 500 = 250");
        TableMove move = describe("sampled");
        VerifySettings settings = VerifySettings.DEFAULTS.withRowsPerChunk(500);

        TableVerdict full = verifyOne(move, settings, Scope.full(), new Recorded());
        assertThat(full.chunks()).isEqualTo(40);
        assertThat(full.differences()).hasSize(40);

        Sample first = sample(move, settings, Scope.sample(10, 42));
        Sample again = sample(move, settings, Scope.sample(10, 42));
        assertThat(first.listener.planned).containsExactly(List.of(40, 4));
        assertThat(first.listener.chunksChecked.get()).isEqualTo(4);
        assertThat(first.verdict.chunksChecked()).isEqualTo(4);
        assertThat(first.verdict.rowsChecked()).isEqualTo(2_000);
        assertThat(first.verdict.chunksMismatched()).isEqualTo(4);
        // a sample counts the rows of the chunks it read; the promise takes the table's size from
        // the catalog (exact here, after ANALYZE)
        assertThat(first.verdict.sourceRows()).isEqualTo(2_000);
        assertThat(first.verdict.targetRows()).isEqualTo(2_000);
        Set<Integer> found = first.chunksWithDifferences();
        assertThat(found).hasSize(4);
        assertThat(first.checkedRanges).hasSize(4);

        assertThat(again.verdict.chunksChecked()).isEqualTo(first.verdict.chunksChecked());
        assertThat(again.verdict.rowsChecked()).isEqualTo(first.verdict.rowsChecked());
        assertThat(again.checkedRanges).isEqualTo(first.checkedRanges);
        // the same differences found, and the same 36 missed
        assertThat(again.chunksWithDifferences()).isEqualTo(found);
        assertThat(again.verdict.differences()).isEqualTo(first.verdict.differences());

        Sample other = null;
        for (long seed = 43; seed < 60 && other == null; seed++) {
            Sample candidate = sample(move, settings, Scope.sample(10, seed));
            if (!candidate.chunksWithDifferences().equals(found)) {
                other = candidate;
            }
        }
        assertThat(other).as("a seed that chooses other chunks").isNotNull();
        assertThat(other.checkedRanges).isNotEqualTo(first.checkedRanges);
        assertThat(other.chunksWithDifferences()).hasSize(4);

        checkPromise(first.report.promise().orElseThrow(), 40, 4, 2_000, 20_000);
        Sample quarter = sample(move, settings, Scope.sample(25, 7));
        assertThat(quarter.chunksWithDifferences()).hasSize(10);
        checkPromise(quarter.report.promise().orElseThrow(), 40, 10, 5_000, 20_000);
    }

    /** The promise against the arithmetic, done here independently of the verifier. */
    private static void checkPromise(SamplePromise promise, int chunks, int sampled, long sampledRows, long rows) {
        assertThat(promise.chunks()).isEqualTo(chunks);
        assertThat(promise.chunksSampled()).isEqualTo(sampled);
        assertThat(promise.confidence()).isEqualTo(0.99);
        assertThat(promise.rowsFraction()).isEqualTo((double) sampledRows / rows);

        // Clustered: a difference filling m whole chunks escapes when none of them is drawn, with the
        // hypergeometric probability C(n - m, k) / C(n, k). The promise is the smallest m/n for which
        // that is at most 1 - confidence.
        int m = 1;
        while (binomial(chunks - m, sampled).multiply(BigInteger.valueOf(100)).compareTo(binomial(chunks, sampled)) > 0) {
            m++;
        }
        assertThat(promise.clusteredFraction()).isEqualTo((double) m / chunks);

        // Scattered: D rows at random places all escape with probability (1 - S/N)^D.
        int d = 1;
        while (Math.pow(1 - (double) sampledRows / rows, d) > 0.01) {
            d++;
        }
        assertThat(promise.scatteredFraction()).isEqualTo((double) d / rows);
    }

    private static BigInteger binomial(int n, int k) {
        if (k > n) {
            return BigInteger.ZERO;
        }
        BigInteger result = BigInteger.ONE;
        for (int i = 0; i < k; i++) {
            result = result.multiply(BigInteger.valueOf(n - i)).divide(BigInteger.valueOf(i + 1));
        }
        return result;
    }

    private record Sample(VerificationReport report, TableVerdict verdict, Listener listener, Set<KeyRange> checkedRanges) {

        /** Chunk numbers (500 rows each) of the differences found. */
        Set<Integer> chunksWithDifferences() {
            return verdict.differences().stream().map(d -> (Integer.parseInt(d.key().get(0)) - 1) / 500)
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static Sample sample(TableMove move, VerifySettings settings, Scope scope) throws Exception {
        Recorded recorded = new Recorded();
        Listener listener = new Listener();
        VerificationReport report = verify(List.of(move), settings, scope, recorded, listener);
        return new Sample(report, report.tables().get(0), listener, Set.copyOf(recorded.checksummed));
    }

    // ---------------------------------------------------------------- helpers

    /** What a difference must be: its kind and the columns that differ. */
    private record Expected(Kind kind, List<String> columns) {
    }

    private static Expected different(String... columns) {
        return new Expected(Kind.DIFFERENT, List.of(columns));
    }

    private static List<String> key(String... values) {
        return List.of(values);
    }

    /** The verdict's differences in report order, keyed by key. */
    private static Map<List<String>, Expected> actual(TableVerdict verdict) {
        Map<List<String>, Expected> found = new LinkedHashMap<>();
        for (RowDifference difference : verdict.differences()) {
            assertThat(found.put(difference.key(), new Expected(difference.kind(), difference.differingColumns())))
                    .as("key %s reported once", difference.key()).isNull();
        }
        return found;
    }

    /** A column's normalized value in the source row and in the target row. */
    private static List<String> value(RowDifference difference, String column) {
        int index = difference.columns().indexOf(column);
        List<String> values = new ArrayList<>();
        values.add(difference.sourceRow().map(row -> row.get(index)).orElse(null));
        values.add(difference.targetRow().map(row -> row.get(index)).orElse(null));
        return values;
    }

    private static TableMove describe(String table) {
        QualifiedName name = new QualifiedName("public", table);
        return new TableMove(engine.describeSource(new TableSpec(name, name, List.of())), name);
    }

    private static TableVerdict verifyOne(TableMove move, VerifySettings settings, Scope scope, Recorded recorded)
            throws Exception {
        VerificationReport report = verify(List.of(move), settings, scope, recorded, VerifyListener.NONE);
        assertThat(report.tables()).hasSize(1);
        assertThat(report.notes()).singleElement().asString().contains("no change stream was running");
        return report.tables().get(0);
    }

    /** Verifies with a comparer of its own, closed afterwards; no change stream is running. */
    private static VerificationReport verify(List<TableMove> moves, VerifySettings settings, Scope scope,
                                             Recorded recorded, VerifyListener listener) throws InterruptedException {
        try (TableComparer comparer = recorded.wrap(engine.openComparer(settings.parallelism()))) {
            return new Verifier(comparer, settings, Optional.empty(), listener).verify("test", moves, scope);
        }
    }

    private static void both(String... statements) throws SQLException {
        run(source, statements);
        run(target, statements);
    }

    private static void onSource(String... statements) throws SQLException {
        run(source, statements);
    }

    private static void onTarget(String... statements) throws SQLException {
        run(target, statements);
    }

    private static void run(Endpoint endpoint, String... statements) throws SQLException {
        try (Connection connection = EmbeddedPostgres.connect(endpoint); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private static String scalar(Endpoint endpoint, String sql) throws SQLException {
        try (Connection connection = EmbeddedPostgres.connect(endpoint); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }

    /** Tells which table sizes the verifier planned and how many chunks it checked. */
    private static final class Listener implements VerifyListener {
        final List<List<Integer>> planned = new ArrayList<>();
        final AtomicInteger chunksChecked = new AtomicInteger();

        @Override
        public synchronized void tableStarted(String table, int chunks, int toCheck) {
            planned.add(List.of(chunks, toCheck));
        }

        @Override
        public void chunkChecked(String table, int checked, int toCheck, long rowsChecked) {
            chunksChecked.incrementAndGet();
        }
    }

    /**
     * Passes every call to the real comparer and records what was asked of it: the ranges whose
     * checksums were compared, how often ranges were split, and the most rows read row by row.
     */
    private static final class Recorded {
        final Collection<KeyRange> checksummed = new ConcurrentLinkedQueue<>();
        final AtomicInteger splits = new AtomicInteger();
        final AtomicInteger passes = new AtomicInteger();
        final AtomicInteger largestDigestRead = new AtomicInteger();

        TableComparer wrap(TableComparer real) {
            return new TableComparer() {
                @Override
                public long countRows(Side side, TableMove move) {
                    return real.countRows(side, move);
                }

                @Override
                public List<KeyRange> planChunks(TableMove move, long rowsPerChunk, long seed) {
                    return real.planChunks(move, rowsPerChunk, seed);
                }

                @Override
                public Checksum checksum(Side side, TableMove move, KeyRange range) {
                    if (side == Side.SOURCE) {
                        checksummed.add(range);
                    }
                    return real.checksum(side, move, range);
                }

                @Override
                public List<List<String>> splitKeys(Side side, TableMove move, KeyRange range, int parts) {
                    splits.incrementAndGet();
                    return real.splitKeys(side, move, range, parts);
                }

                @Override
                public List<Checksum> checksums(Side side, TableMove move, KeyRange range, List<List<String>> splitKeys) {
                    return real.checksums(side, move, range, splitKeys);
                }

                @Override
                public List<Checksum> checksumChunks(Side side, TableMove move, List<List<String>> bounds,
                                                     DoubleConsumer progress) {
                    passes.incrementAndGet();
                    return real.checksumChunks(side, move, bounds, progress);
                }

                @Override
                public List<RowDigest> digests(Side side, TableMove move, KeyRange range) {
                    List<RowDigest> digests = real.digests(side, move, range);
                    largestDigestRead.accumulateAndGet(digests.size(), Math::max);
                    return digests;
                }

                @Override
                public Map<List<String>, List<String>> rows(Side side, TableMove move, Collection<List<String>> keys) {
                    return real.rows(side, move, keys);
                }

                @Override
                public void close() {
                    real.close();
                }
            };
        }
    }
}
