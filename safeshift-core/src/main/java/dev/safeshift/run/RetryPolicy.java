package dev.safeshift.run;

import java.time.Duration;
import java.util.Objects;

/**
 * How the daemon rides out transient failures (a restarted server, a terminated session, a network
 * cut): it waits 1 s, 2 s, 4 s … up to 30 s between attempts, and gives up once failures have
 * lasted {@code giveUpAfter} (the plan's retry.give-up-after) without a stretch of work in between.
 */
public record RetryPolicy(Duration giveUpAfter) {

    /** The longest wait between two attempts. */
    static final Duration MAX_DELAY = Duration.ofSeconds(30);

    /** An attempt that worked at least this long before failing starts a new run of failures. */
    static final Duration RECOVERED_AFTER = Duration.ofMinutes(1);

    public RetryPolicy {
        Objects.requireNonNull(giveUpAfter, "giveUpAfter");
        if (giveUpAfter.isNegative()) {
            throw new IllegalArgumentException("giveUpAfter must not be negative");
        }
    }

    /** The wait before attempt {@code attempt} (1 for the first retry). */
    Duration delay(int attempt) {
        long seconds = 1L << Math.min(5, Math.max(0, attempt - 1));
        return Duration.ofSeconds(Math.min(seconds, MAX_DELAY.getSeconds()));
    }
}
