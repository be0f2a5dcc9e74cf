package dev.safeshift.cli;

import dev.safeshift.verify.TableVerdict;
import dev.safeshift.verify.VerifyListener;
import dev.safeshift.engine.Side;
import java.io.PrintStream;
import java.util.EnumMap;
import java.util.Map;

/** Verification progress on the terminal, at most a line every two seconds per table. */
final class VerifyProgress implements VerifyListener {

    private static final long EVERY_NANOS = 2_000_000_000L;

    private final PrintStream out;
    private final Map<Side, Double> scanned = new EnumMap<>(Side.class);
    private long lastPrinted = System.nanoTime();

    VerifyProgress(PrintStream out) {
        this.out = out;
    }

    @Override
    public synchronized void tableStarted(String table, int chunks, int toCheck) {
        scanned.clear();
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
    public synchronized void scanned(String table, Side side, double fraction) {
        scanned.put(side, fraction);
        long now = System.nanoTime();
        if (now - lastPrinted >= EVERY_NANOS) {
            lastPrinted = now;
            out.println("  " + table + ": scanned " + percent(Side.SOURCE) + " of the source, "
                    + percent(Side.TARGET) + " of the target");
        }
    }

    private String percent(Side side) {
        return Math.round(100 * scanned.getOrDefault(side, 0.0)) + "%";
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
