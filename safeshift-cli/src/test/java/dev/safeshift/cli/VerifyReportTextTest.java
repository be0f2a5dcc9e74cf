package dev.safeshift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safeshift.engine.ColumnDifference;
import dev.safeshift.verify.RowDifference;
import dev.safeshift.verify.SamplePromise;
import dev.safeshift.verify.Scope;
import dev.safeshift.verify.TableVerdict;
import dev.safeshift.verify.VerificationReport;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VerifyReportTextTest {

    private static final Instant START = Instant.parse("2026-11-24T00:00:00Z");

    @Test
    void showsDifferingRowsSideBySideWithNullsEmptyStringsAndMissingRows() {
        RowDifference changed = new RowDifference(RowDifference.Kind.DIFFERENT, List.of("7"), List.of("id", "note", "amount"),
                Optional.of(Arrays.asList("7", null, "1.5")), Optional.of(Arrays.asList("7", "", "1.5")), List.of("note"));
        RowDifference missing = new RowDifference(RowDifference.Kind.MISSING_IN_TARGET, List.of("9"), List.of("id", "note", "amount"),
                Optional.of(Arrays.asList("9", "x", "2")), Optional.empty(), List.of("id", "note", "amount"));
        TableVerdict table = new TableVerdict("public.t", 10, 9, 1, 1, 1, 10, List.of(changed, missing), List.of(),
                Duration.ofMillis(500));
        String text = new VerifyReportText(20).render(new VerificationReport("m", START, START.plusSeconds(1),
                Scope.full(), List.of(table), Optional.empty(), List.of()));

        assertThat(text).startsWith("Verification of m (full): DIFFERENCES FOUND in 1.0 s");
        assertThat(text).containsPattern("public\\.t\\s+10\\s+9\\s+1\\s+1\\s+0\\s+1\\s+1\\s+0\\s+1\\s");
        assertThat(text).containsPattern("differs  key 7\\n");
        assertThat(text).containsPattern("    note\\s+NULL\\s+''\\s+<-");
        assertThat(text).containsPattern("    amount\\s+1\\.5\\s+1\\.5\\n");
        assertThat(text).containsPattern("missing in target  key 9\\n");
        assertThat(text).containsPattern("    note\\s+x\\s+\\(no row\\)\\s+<-");
    }

    @Test
    void columnsThatDifferAreListedAndMakeTheVerdictDifferencesFound() {
        TableVerdict table = new TableVerdict("public.t", 10, 10, 1, 1, 0, 10, List.of(), List.of(),
                Duration.ofMillis(500), List.of(ColumnDifference.missing("note", "text"),
                ColumnDifference.retyped("amount", "numeric(12,2)", "bigint")));
        String text = new VerifyReportText(20).render(new VerificationReport("m", START, START.plusSeconds(1),
                Scope.full(), List.of(table), Optional.empty(), List.of()));

        assertThat(text).startsWith("Verification of m (full): DIFFERENCES FOUND in 1.0 s");
        assertThat(text).contains("Columns that differ in public.t:\n"
                + "  note: missing in target (text)\n"
                + "  amount: numeric(12,2) in source, bigint in target");
    }

    @Test
    void statesTheSamplePromiseInRowsOfTheWholeTable() {
        // 50,000 of 1,000,000 rows read: the scattered figure is 0.01% of the whole table, 100 rows
        TableVerdict table = new TableVerdict("public.t", 50_000, 50_000, 100, 5, 0, 50_000, List.of(), List.of(),
                Duration.ofSeconds(1));
        SamplePromise promise = new SamplePromise(5, 100, 0.99, 0.05, 0.6, 0.0001);
        String text = new VerifyReportText(20).render(new VerificationReport("m", START, START.plusSeconds(1),
                Scope.sample(5, 1), List.of(table), Optional.of(promise), List.of()));

        assertThat(text).startsWith("Verification of m (5% sample, seed 1): CLEAN");
        assertThat(text).contains("(a sample counts the rows of the chunks it checked)");
        assertThat(text).contains("Sample: 5 of 100 chunks, 5% of the rows. With probability 99% it would have caught a "
                + "difference touching at least 60% of the rows even if they sit together, and 100 or more differing rows "
                + "(0.01000%) spread over the table.");
    }
}
