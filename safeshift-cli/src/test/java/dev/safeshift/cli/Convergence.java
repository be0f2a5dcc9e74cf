package dev.safeshift.cli;

import dev.safeshift.cli.demo.RowByRow;
import dev.safeshift.plan.Endpoint;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.Supplier;

/** Waits for the change stream to bring the target to the source's state, and says why not if it doesn't. */
final class Convergence {

    private Convergence() {
    }

    static void awaitIdentical(Endpoint source, Endpoint target, String table, Duration timeout,
                               Supplier<Throwable> daemonFailure) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        RowByRow.Result last;
        do {
            Throwable failure = daemonFailure.get();
            if (failure != null) {
                throw new AssertionError("the daemon failed", failure);
            }
            last = RowByRow.compare(source, table, target, table, "id");
            if (last.identical()) {
                return;
            }
            Thread.sleep(2_000);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("target did not converge within " + timeout + ": source " + last.sourceRows()
                + " rows, target " + last.targetRows() + ", " + last.differing() + " differing, e.g. "
                + String.join("\n", last.differences()));
    }
}
