package dev.safeshift.plan;

import java.time.Duration;
import java.util.Objects;

/**
 * The plan's {@code retry} section.
 *
 * @param giveUpAfter how long transient failures (a server restart, a terminated connection, a
 *                    network cut) are retried with backoff, during the backfill and while
 *                    streaming, before the daemon stops
 */
public record RetrySettings(Duration giveUpAfter) {

    /** Shorter than this, a server restart would stop the daemon before the server is back. */
    public static final Duration MINIMUM_GIVE_UP_AFTER = Duration.ofSeconds(30);

    public static final RetrySettings DEFAULTS = new RetrySettings(Duration.ofMinutes(10));

    public RetrySettings {
        Objects.requireNonNull(giveUpAfter, "giveUpAfter");
        if (giveUpAfter.compareTo(MINIMUM_GIVE_UP_AFTER) < 0 || giveUpAfter.compareTo(Durations.MAXIMUM) > 0) {
            throw new IllegalArgumentException("retries give up after between " + Durations.format(MINIMUM_GIVE_UP_AFTER)
                    + " and " + Durations.format(Durations.MAXIMUM) + ", not " + Durations.format(giveUpAfter));
        }
    }
}
