package dev.safeshift.plan;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The plan's {@code apply} section: how {@code safeshift run} applies a {@code change} to the source.
 *
 * @param maxWriteWait the longest the application's writes may wait behind a statement of the change:
 *                     each statement asks for its lock for at most this long and otherwise gives up,
 *                     lets the waiting writes through, and tries again
 * @param attempts     how many times a statement asks for its lock before the run stops
 * @param maxBackoff   the longest pause between two attempts
 * @param window       the maintenance window the whole change must fit in, which {@code safeshift
 *                     rehearse} holds its prediction to; empty when the plan names none
 */
public record ApplySettings(Duration maxWriteWait, int attempts, Duration maxBackoff, Optional<Duration> window) {

    public static final Duration MINIMUM_WRITE_WAIT = Duration.ofSeconds(1);
    public static final Duration MAXIMUM_WRITE_WAIT = Duration.ofMinutes(1);
    public static final ApplySettings DEFAULTS = new ApplySettings(Duration.ofSeconds(2), 30, Duration.ofSeconds(30),
            Optional.empty());

    public ApplySettings {
        Objects.requireNonNull(maxWriteWait, "maxWriteWait");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(window, "window");
        if (maxWriteWait.compareTo(MINIMUM_WRITE_WAIT) < 0 || maxWriteWait.compareTo(MAXIMUM_WRITE_WAIT) > 0) {
            throw new IllegalArgumentException("apply.max-write-wait is between 1s and 1m, not "
                    + Durations.format(maxWriteWait));
        }
        if (attempts < 1) {
            throw new IllegalArgumentException("apply.attempts is at least 1");
        }
    }
}
