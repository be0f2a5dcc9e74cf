package dev.safeshift.engine;

import java.time.Duration;

/**
 * How hard a write fence tries. Each attempt waits at most {@code lockTimeout} for transactions that
 * write to the tables to end: while it waits, new writes queue behind it, so the wait must stay
 * short. Between attempts the tables are left alone for a backoff that starts at
 * {@code firstBackoff} and doubles up to {@code maxBackoff}.
 */
public record FenceSettings(Duration lockTimeout, int attempts, Duration firstBackoff, Duration maxBackoff) {

    /** Half a second per attempt (the application's writes wait at most that long for a failed one), ten attempts. */
    public static final FenceSettings DEFAULTS =
            new FenceSettings(Duration.ofMillis(500), 10, Duration.ofMillis(250), Duration.ofSeconds(4));

    public FenceSettings {
        if (lockTimeout.toMillis() < 1 || attempts < 1 || firstBackoff.isNegative() || maxBackoff.compareTo(firstBackoff) < 0) {
            throw new IllegalArgumentException("invalid fence settings: " + lockTimeout + ", " + attempts + " attempts, "
                    + firstBackoff + " to " + maxBackoff);
        }
    }

    /** The wait before attempt {@code next} (2 or more). */
    public Duration backoffBefore(int next) {
        Duration wait = firstBackoff;
        for (int i = 2; i < next && wait.compareTo(maxBackoff) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
    }
}
