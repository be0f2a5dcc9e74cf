package dev.safeshift.plan;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * The plan's {@code verify} section: how often the target is verified against the source, and
 * how much of it each time.
 *
 * @param every         time from the end of one verification to the start of the next
 * @param samplePercent the percentage of chunks each verification checks; empty for all of them
 */
public record VerifySchedule(Duration every, OptionalDouble samplePercent) {

    /**
     * The shortest interval a plan may ask for. Each verification reads the checked chunks on both
     * databases; more often than this it would barely finish before the next one starts.
     */
    public static final Duration MINIMUM_EVERY = Duration.ofMinutes(1);

    public VerifySchedule {
        Objects.requireNonNull(every, "every");
        Objects.requireNonNull(samplePercent, "samplePercent");
        if (every.compareTo(MINIMUM_EVERY) < 0) {
            throw new IllegalArgumentException("verification is scheduled at least " + Durations.format(MINIMUM_EVERY)
                    + " apart, not " + Durations.format(every));
        }
        if (samplePercent.isPresent() && !(samplePercent.getAsDouble() > 0 && samplePercent.getAsDouble() <= 100)) {
            throw new IllegalArgumentException("a sample is more than 0% and at most 100% of the chunks, not "
                    + samplePercent.getAsDouble() + "%");
        }
    }

    /** Whether each verification checks every chunk. */
    public boolean full() {
        return samplePercent.isEmpty() || samplePercent.getAsDouble() >= 100;
    }
}
