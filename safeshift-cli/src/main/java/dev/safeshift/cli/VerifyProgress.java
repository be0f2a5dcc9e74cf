package dev.safeshift.cli;

import dev.safeshift.verify.TableVerdict;
import dev.safeshift.verify.VerifyListener;
import java.io.PrintStream;

/** Verification progress on the terminal, at most a line every two seconds per table. */
final class VerifyProgress implements VerifyListener {

    private static final long EVERY_NANOS = 2_000_000_000L;

    private final PrintStream out;
    private long lastPrinted = System.nanoTime();

    VerifyProgress(PrintStream out) {
        this.out = out;
    }

    @Override
    public void tableStarted(String table, int chunks, int toCheck) {
        out.println("Verifying " + table + ": " + toCheck + " of " + chunks + " chunks");
    }

    @Override
    public synchronized void chunkChecked(String table, int checked, int toCheck, long rowsChecked) {
        long now = System.nanoTime();
        if (now - lastPrinted >= EVERY_NANOS) {
            lastPrinted = now;
            out.println("  " + table + ": " + checked + "/" + toCheck + " chunks, "
                    + VerifyReportText.number(rowsChecked) + " rows");
        }
    }

    @Override
    public void recheckStarted(String table, int suspects) {
        out.println("  " + table + ": re-checking " + suspects + " suspect row(s) against the change stream");
    }

    @Override
    public void tableFinished(TableVerdict verdict) {
        out.println("  " + verdict.table() + ": done, " + (verdict.clean() ? "clean" : "NOT clean"));
    }
}
