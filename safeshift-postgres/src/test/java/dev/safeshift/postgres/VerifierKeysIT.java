package dev.safeshift.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safeshift.engine.TableMove;
import dev.safeshift.verify.RowDifference.Kind;
import dev.safeshift.verify.Scope;
import dev.safeshift.verify.TableVerdict;
import dev.safeshift.verify.VerificationReport;
import dev.safeshift.verify.VerifyListener;
import dev.safeshift.verify.VerifySettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Composite, text, differently collated and uuid keys; empty and one-row tables. */
class VerifierKeysIT extends VerifierFixture {

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
    void textKeysOrderedDifferentlyOnTheTwoSidesAreSortedInOneOrderOnBoth() throws Exception {
        // The source orders the key by the database's default collation; the target's key column
        // orders by ICU rules ('apple' < 'Apple' < 'Ångström' < 'b'). Both sides then sort the key
        // bytewise, explicitly, so every chunk holds the same rows on both sides.
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
        assertThat(clean.chunksMismatched()).as("chunks whose rows one side's order put elsewhere").isZero();

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
    void aCompositeKeyWithAnotherCollationOnEachSideIsVerifiedFullyAndBySample() throws Exception {
        // Bytewise on the source, ICU's root collation on the target: the key's record comparison
        // used to fail ("could not determine which collation to use for string comparison").
        String tenants = "ARRAY['Acme', 'acme', 'ACME', 'Émile', 'emile', 'e mile', ' space', 'zoë', 'Zoe', '_x', '-x']";
        String rows = "INSERT INTO collated SELECT (" + tenants + ")[g % 11 + 1] || (g % 50), g, 'v' || g"
                + " FROM generate_series(1, 12000) AS g";
        onSource("CREATE TABLE collated (tenant text COLLATE \"C\", id int, v text, PRIMARY KEY (tenant, id))", rows,
                "ANALYZE collated");
        onTarget("CREATE TABLE collated (tenant text COLLATE \"und-x-icu\", id int, v text, PRIMARY KEY (tenant, id))",
                rows, "ANALYZE collated");
        TableMove move = describe("collated");
        VerifySettings settings = VerifySettings.DEFAULTS.withRowsPerChunk(500);

        TableVerdict full = verifyOne(move, settings, Scope.full(), new Recorded());
        assertThat(full.clean()).isTrue();
        assertThat(full.chunksMismatched()).isZero();
        assertThat(List.of(full.sourceRows(), full.targetRows())).containsExactly(12_000L, 12_000L);
        TableVerdict sample = verifyOne(move, settings, Scope.sample(30, 3), new Recorded());
        assertThat(sample.clean()).isTrue();
        assertThat(sample.chunksMismatched()).isZero();

        onTarget("UPDATE collated SET v = 'changed' WHERE tenant = 'Émile4' AND id = 3204",
                "DELETE FROM collated WHERE tenant = ' space6' AND id = 1106");
        // narrowed through splits of four parts down to 20 rows: every split and sub-range in byte order
        VerifySettings deep = new VerifySettings(4, 500, 4, 20, 2, 6, VerifySettings.DEFAULTS.settleTimeout());
        Recorded recorded = new Recorded();
        TableVerdict verdict = verifyOne(move, deep, Scope.full(), recorded);
        assertThat(recorded.splits.get()).isGreaterThanOrEqualTo(4);
        assertThat(actual(verdict)).containsOnly(
                Map.entry(List.of("Émile4", "3204"), different("v")),
                Map.entry(List.of(" space6", "1106"), new Expected(Kind.MISSING_IN_TARGET, List.of("tenant", "id", "v"))));
        assertThat(verdict.chunksMismatched()).isEqualTo(2);
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
}
