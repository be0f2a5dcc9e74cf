package dev.safeshift.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safeshift.engine.ColumnInfo;
import dev.safeshift.engine.TableInfo;
import dev.safeshift.engine.TableMove;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.testing.EmbeddedPostgres;
import dev.safeshift.verify.RowDifference;
import dev.safeshift.verify.RowDifference.Kind;
import dev.safeshift.verify.Scope;
import dev.safeshift.verify.TableVerdict;
import dev.safeshift.verify.VerifySettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The verifier with the PostgreSQL comparer against real databases: a difference in every column
 * type is reported exactly, and values equal by design are not.
 */
class VerifierIT extends VerifierFixture {

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
}
