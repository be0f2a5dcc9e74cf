package dev.safeshift.store;

import dev.safeshift.verify.RowDifference;
import dev.safeshift.verify.SamplePromise;
import dev.safeshift.verify.Scope;
import dev.safeshift.verify.TableVerdict;
import dev.safeshift.verify.VerificationReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Verification reports for store tests, as a verifier would hand them over. */
final class Reports {

    private Reports() {
    }

    /** A full verification of one table that found nothing. */
    static VerificationReport clean(String migration, Instant finishedAt, long rows) {
        TableVerdict table = new TableVerdict("public.orders", rows, rows, 4, 4, 0, rows, List.of(), List.of(),
                Duration.ofSeconds(2));
        return new VerificationReport(migration, finishedAt.minusSeconds(3), finishedAt, Scope.full(), List.of(table),
                Optional.empty(), List.of());
    }

    /**
     * A 5% sample over two tables: {@code missing} rows missing in the target (with a secret in
     * their values, which must never reach the timeline), one extra, one different, one unsettled key.
     */
    static VerificationReport withDifferences(String migration, Instant finishedAt, int missing) {
        List<RowDifference> differences = new ArrayList<>();
        for (int i = 0; i < missing; i++) {
            differences.add(new RowDifference(RowDifference.Kind.MISSING_IN_TARGET, List.of("key-" + i),
                    List.of("id", "card"), Optional.of(List.of("key-" + i, "secret-card-" + i)), Optional.empty(),
                    List.of("id", "card")));
        }
        differences.add(new RowDifference(RowDifference.Kind.EXTRA_IN_TARGET, List.of("key-extra"), List.of("id", "card"),
                Optional.empty(), Optional.of(List.of("key-extra", "secret-card-x")), List.of("id", "card")));
        TableVerdict orders = new TableVerdict("public.orders", 1_000, 1_000 - missing + 1, 20, 1, 1, 50, differences,
                List.of(List.of("key-busy")), Duration.ofSeconds(1));
        TableVerdict items = new TableVerdict("public.items", 500, 500, 10, 1, 1, 25,
                List.of(new RowDifference(RowDifference.Kind.DIFFERENT, List.of("key-d"), List.of("id", "card"),
                        Optional.of(List.of("key-d", "secret-a")), Optional.of(List.of("key-d", "secret-b")), List.of("card"))),
                List.of(), Duration.ofSeconds(1));
        return new VerificationReport(migration, finishedAt.minusSeconds(2), finishedAt, Scope.sample(5, 42),
                List.of(orders, items), Optional.of(new SamplePromise(2, 30, 0.99, 0.05, 0.2, 0.001)),
                List.of("sampled"));
    }
}
