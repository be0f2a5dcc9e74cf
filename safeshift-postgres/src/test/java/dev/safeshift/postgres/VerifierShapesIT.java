package dev.safeshift.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safeshift.engine.ColumnDifference;
import dev.safeshift.engine.TableMove;
import dev.safeshift.verify.RowDifference;
import dev.safeshift.verify.RowDifference.Kind;
import dev.safeshift.verify.Scope;
import dev.safeshift.verify.TableVerdict;
import dev.safeshift.verify.VerificationReport;
import dev.safeshift.verify.VerifyListener;
import dev.safeshift.verify.VerifySettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Tables whose two sides are not shaped alike: partitioned on one side and plain on the other, and
 * columns the target lacks, has in addition, or types differently. Also values too long to print.
 */
class VerifierShapesIT extends VerifierFixture {

    // ---------------------------------------------------------------- partitioned tables

    /** 150,000 rows: above the size up to which chunk bounds are exact, so the planner samples. */
    private static final String PARTED_ROWS = "INSERT INTO parted SELECT g, 'v' || g, g % 97 FROM generate_series(1, 150000) AS g";

    @Test
    void aSourcePartitionedByRangeAgainstAPlainTargetIsVerifiedFullyAndBySample() throws Exception {
        onSource("CREATE TABLE parted (id bigint PRIMARY KEY, v text, n int) PARTITION BY RANGE (id)",
                "CREATE TABLE parted_1 PARTITION OF parted FOR VALUES FROM (MINVALUE) TO (40000)",
                "CREATE TABLE parted_2 PARTITION OF parted FOR VALUES FROM (40000) TO (90000)",
                "CREATE TABLE parted_3 PARTITION OF parted FOR VALUES FROM (90000) TO (140000)",
                "CREATE TABLE parted_4 PARTITION OF parted DEFAULT",
                PARTED_ROWS, "ANALYZE parted");
        onTarget("CREATE TABLE parted (id bigint PRIMARY KEY, v text, n int)", PARTED_ROWS, "ANALYZE parted");
        checkBothWays(describe("parted"), List.of("39999", "90000", "149999"));
    }

    @Test
    void aTargetPartitionedByHashAgainstAPlainSourceIsVerifiedFullyAndBySample() throws Exception {
        onSource("CREATE TABLE hashed (id bigint PRIMARY KEY, v text, n int)",
                PARTED_ROWS.replace("parted", "hashed"), "ANALYZE hashed");
        onTarget("CREATE TABLE hashed (id bigint PRIMARY KEY, v text, n int) PARTITION BY HASH (id)",
                "CREATE TABLE hashed_0 PARTITION OF hashed FOR VALUES WITH (MODULUS 3, REMAINDER 0)",
                "CREATE TABLE hashed_1 PARTITION OF hashed FOR VALUES WITH (MODULUS 3, REMAINDER 1)",
                "CREATE TABLE hashed_2 PARTITION OF hashed FOR VALUES WITH (MODULUS 3, REMAINDER 2)",
                PARTED_ROWS.replace("parted", "hashed"), "ANALYZE hashed");
        checkBothWays(describe("hashed"), List.of("7", "77777", "120001"));
    }

    /** Clean in full and by sample; then one changed, one missing and one extra row, found by key. */
    private static void checkBothWays(TableMove move, List<String> keys) throws Exception {
        String table = move.source().name().name();
        VerifySettings settings = VerifySettings.DEFAULTS.withRowsPerChunk(10_000);
        Recorded recorded = new Recorded();
        TableVerdict full = verifyOne(move, settings, Scope.full(), recorded);
        assertThat(full.clean()).isTrue();
        assertThat(full.chunksMismatched()).isZero();
        assertThat(List.of(full.sourceRows(), full.targetRows())).containsExactly(150_000L, 150_000L);
        assertThat(full.chunks()).isBetween(10, 20);
        assertThat(recorded.passes.get()).as("one pass over each side").isEqualTo(2);
        TableVerdict sample = verifyOne(move, settings, Scope.sample(25, 5), new Recorded());
        assertThat(sample.clean()).isTrue();
        assertThat(sample.chunksChecked()).isLessThan(sample.chunks());
        assertThat(sample.sourceRows()).isPositive().isEqualTo(sample.targetRows());

        onTarget("UPDATE " + table + " SET n = n + 1 WHERE id = " + keys.get(0),
                "DELETE FROM " + table + " WHERE id = " + keys.get(1),
                "INSERT INTO " + table + " VALUES (" + (1_000_000 + Long.parseLong(keys.get(2))) + ", 'new', 0)");
        TableVerdict verdict = verifyOne(move, settings, Scope.full(), new Recorded());
        assertThat(actual(verdict)).containsOnly(
                Map.entry(List.of(keys.get(0)), different("n")),
                Map.entry(List.of(keys.get(1)), new Expected(Kind.MISSING_IN_TARGET, List.of("id", "v", "n"))),
                Map.entry(List.of(String.valueOf(1_000_000 + Long.parseLong(keys.get(2)))),
                        new Expected(Kind.EXTRA_IN_TARGET, List.of("id", "v", "n"))));
        assertThat(verdict.differences()).hasSize(3);
    }

    // ---------------------------------------------------------------- columns that differ

    @Test
    void columnsTheTargetLacksHasInAdditionOrTypesDifferentlyAreDifferencesAndTheRestIsStillCompared()
            throws Exception {
        both("CREATE TABLE shaped (id int PRIMARY KEY, a text, b int, c numeric(10,2))",
                "INSERT INTO shaped SELECT g, 'a' || g, g, g / 4.0 FROM generate_series(1, 3000) AS g");
        // a column added on the source while the stream ran, one retyped and one left over in the target
        onSource("ALTER TABLE shaped ADD COLUMN added boolean DEFAULT true");
        onTarget("ALTER TABLE shaped ALTER COLUMN c TYPE numeric(12,2)", "ALTER TABLE shaped ADD COLUMN legacy text",
                "UPDATE shaped SET a = 'changed' WHERE id = 1234", "UPDATE shaped SET c = 0 WHERE id = 2000");
        TableMove move = describe("shaped");

        VerificationReport report = verify(List.of(move), VerifySettings.DEFAULTS.withRowsPerChunk(500), Scope.full(),
                new Recorded(), VerifyListener.NONE);
        TableVerdict verdict = report.tables().get(0);
        assertThat(verdict.columnDifferences()).containsExactly(
                ColumnDifference.retyped("c", "numeric(10,2)", "numeric(12,2)"),
                ColumnDifference.missing("added", "boolean"),
                ColumnDifference.extra("legacy", "text"));
        assertThat(verdict.clean()).isFalse();
        assertThat(report.clean()).isFalse();
        // rows compared on id, a and b: the change in a is found, the one in the retyped c cannot be
        assertThat(actual(verdict)).containsExactly(Map.entry(List.of("1234"), different("a")));
        assertThat(verdict.differences().get(0).columns()).containsExactly("id", "a", "b");
        assertThat(List.of(verdict.sourceRows(), verdict.targetRows())).containsExactly(3_000L, 3_000L);
        assertThat(report.notes()).anySatisfy(note -> assertThat(note)
                .contains("public.shaped: column(s) c, added were left out of the row comparison"));
    }

    @Test
    void aKeyColumnOfAnotherTypeInTheTargetIsADifferenceAndRowsAreNotCompared() throws Exception {
        onSource("CREATE TABLE rekeyed (id int PRIMARY KEY, v text)",
                "INSERT INTO rekeyed SELECT g, 'v' || g FROM generate_series(1, 100) AS g");
        onTarget("CREATE TABLE rekeyed (id bigint PRIMARY KEY, v text)",
                "INSERT INTO rekeyed SELECT g, 'v' || g FROM generate_series(1, 99) AS g");
        VerificationReport report = verify(List.of(describe("rekeyed")), VerifySettings.DEFAULTS, Scope.full(),
                new Recorded(), VerifyListener.NONE);
        TableVerdict verdict = report.tables().get(0);
        assertThat(verdict.columnDifferences()).containsExactly(ColumnDifference.retyped("id", "integer", "bigint"));
        assertThat(verdict.differences()).isEmpty();
        assertThat(verdict.clean()).isFalse();
        assertThat(verdict.differs()).isTrue();
        assertThat(List.of(verdict.sourceRows(), verdict.targetRows())).containsExactly(100L, 99L);
        assertThat(verdict.chunksChecked()).isZero();
        assertThat(report.notes()).anySatisfy(note -> assertThat(note)
                .contains("public.rekeyed: rows were not compared, because key column(s) id are missing in the target "
                        + "or of another type there"));
    }

    // ---------------------------------------------------------------- long values

    @Test
    void valuesLongerThanAThousandCharactersArePrintedAsTheirDigestAndComparedByIt() throws Exception {
        both("CREATE TABLE long_values (id int PRIMARY KEY, body text, doc jsonb, n int)",
                "INSERT INTO long_values SELECT g, repeat(md5(g::text), 65536), "
                        + "jsonb_build_object('items', (SELECT jsonb_agg(i) FROM generate_series(1, 400) AS i)), g "
                        + "FROM generate_series(1, 20) AS g");
        // 2 MB of text differing in its last character; a long jsonb differing in one element; a
        // short column changed beside long values that are equal
        onTarget("UPDATE long_values SET body = left(body, -1) || 'X' WHERE id = 3",
                "UPDATE long_values SET doc = jsonb_set(doc, '{items,399}', '0') WHERE id = 5",
                "UPDATE long_values SET n = -1 WHERE id = 7");
        TableVerdict verdict = verifyOne(describe("long_values"), VerifySettings.DEFAULTS, Scope.full(), new Recorded());

        assertThat(actual(verdict)).containsExactly(
                Map.entry(List.of("3"), different("body")),
                Map.entry(List.of("5"), different("doc")),
                Map.entry(List.of("7"), different("n")));
        RowDifference body = verdict.differences().get(0);
        assertThat(value(body, "body")).allSatisfy(text -> assertThat(text).matches("sha256:[0-9a-f]{64} \\(2097152 chars\\)"));
        assertThat(value(body, "body").get(0)).isNotEqualTo(value(body, "body").get(1));
        assertThat(value(body, "body").get(0)).isEqualTo("sha256:" + scalar(source,
                "SELECT encode(sha256(convert_to(body, 'UTF8')), 'hex') FROM long_values WHERE id = 3") + " (2097152 chars)");
        RowDifference doc = verdict.differences().get(1);
        assertThat(value(doc, "doc")).allSatisfy(text -> assertThat(text).startsWith("sha256:"));
        RowDifference n = verdict.differences().get(2);
        assertThat(value(n, "body").get(0)).startsWith("sha256:").isEqualTo(value(n, "body").get(1));
        assertThat(value(n, "n")).containsExactly("7", "-1");
    }
}
