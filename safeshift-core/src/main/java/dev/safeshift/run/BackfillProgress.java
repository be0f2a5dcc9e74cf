package dev.safeshift.run;

import java.time.Duration;
import java.util.Optional;

/**
 * Backfill progress across all tables. {@code rowsEstimated} comes from the chunk plan, so the
 * percentage is approximate until the end; {@code eta} is empty until a rate is known.
 */
public record BackfillProgress(
        int chunksDone, int chunksTotal, long rowsCopied, long rowsEstimated, double rowsPerSecond,
        Duration elapsed, Optional<Duration> eta) {

    public double fraction() {
        if (chunksTotal > 0 && chunksDone == chunksTotal) {
            return 1.0;
        }
        return rowsEstimated <= 0 ? 0 : Math.min(0.999, (double) rowsCopied / rowsEstimated);
    }
}
