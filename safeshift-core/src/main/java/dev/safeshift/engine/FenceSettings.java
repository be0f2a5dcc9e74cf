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

    /**
     * Settings whose attempts, with their waits and backoffs, all fit in {@code budget}: a cutover
     * that holds the application's writes must take the fence, or give up, within what is left of
     * its write pause. Each attempt waits at most half a second, and at least 50 ms.
     */
    public static FenceSettings within(Duration budget) {
        long millis = Math.max(50, budget.toMillis());
        long lockTimeout = Math.max(50, Math.min(500, millis / 5));
        Duration first = Duration.ofMillis(Math.max(10, lockTimeout / 2));
        Duration most = Duration.ofMillis(lockTimeout * 2);
        FenceSettings settings = new FenceSettings(Duration.ofMillis(lockTimeout), 1, first, most);
        long spent = lockTimeout;
        int attempts = 1;
        while (true) {
            long next = spent + settings.backoffBefore(attempts + 1).toMillis() + lockTimeout;
            if (next > millis) {
                break;
            }
            spent = next;
            attempts++;
        }
        return new FenceSettings(Duration.ofMillis(lockTimeout), attempts, first, most);
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
