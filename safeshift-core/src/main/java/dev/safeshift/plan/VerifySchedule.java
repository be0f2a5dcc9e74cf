package dev.safeshift.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
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
        if (every.compareTo(Durations.MAXIMUM) > 0) {
            throw new IllegalArgumentException("verification is scheduled at most " + Durations.format(Durations.MAXIMUM)
                    + " apart, not " + Durations.format(every));
        }
        if (samplePercent.isPresent() && !(samplePercent.getAsDouble() > 0 && samplePercent.getAsDouble() <= 100)) {
            throw new IllegalArgumentException("a sample is more than 0% and at most 100% of the chunks, not "
                    + samplePercent.getAsDouble() + "%");
        }
    }

    /**
     * When the next verification is due: one interval after the last one finished, or {@code now}
     * when none has or it is overdue. A finish time later than {@code now} (a clock set back, or
     * another machine's clock running ahead) counts as now, so a skewed clock postpones a
     * verification by at most one interval. Both times must come from the same clock.
     */
    public Instant nextDueAt(Optional<Instant> lastFinishedAt, Instant now) {
        Objects.requireNonNull(now, "now");
        if (lastFinishedAt.isEmpty()) {
            return now;
        }
        Instant last = lastFinishedAt.get().isAfter(now) ? now : lastFinishedAt.get();
        Instant due = last.plus(every);
        return due.isBefore(now) ? now : due;
    }

    /** Whether each verification checks every chunk. */
    public boolean full() {
        return samplePercent.isEmpty() || samplePercent.getAsDouble() >= 100;
    }
}
