package dev.safeshift.run;

import dev.safeshift.plan.VerifySchedule;
import dev.safeshift.verify.Scope;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * When the plan's scheduled verification is due: one interval after the last one finished, or at
 * once when none has. Pure logic: the caller passes the finish time and the current time, both read
 * from the same clock.
 *
 * <p>A last finish time later than now (the clock was set back, or it came from a machine whose
 * clock runs ahead) counts as now, so a skewed clock postpones a verification by at most one interval
 * instead of by however far the clocks disagree.
 */
public record VerificationSchedule(VerifySchedule plan) {

    public VerificationSchedule {
        Objects.requireNonNull(plan, "plan");
    }

    /** When the next verification is due; {@code now} itself when it is due already. */
    public Instant nextDueAt(Optional<Instant> lastFinishedAt, Instant now) {
        Objects.requireNonNull(now, "now");
        if (lastFinishedAt.isEmpty()) {
            return now;
        }
        Instant last = lastFinishedAt.get().isAfter(now) ? now : lastFinishedAt.get();
        Instant due = last.plus(plan.every());
        return due.isBefore(now) ? now : due;
    }

    public boolean isDue(Optional<Instant> lastFinishedAt, Instant now) {
        return !nextDueAt(lastFinishedAt, now).isAfter(now);
    }

    /** How long until the next verification is due; zero when it is due now. */
    public Duration untilDue(Optional<Instant> lastFinishedAt, Instant now) {
        return Duration.between(now, nextDueAt(lastFinishedAt, now));
    }

    /** What the next verification checks: every chunk, or the sample that {@code seed} chooses. */
    public Scope scope(long seed) {
        return plan.full() ? Scope.full() : Scope.sample(plan.samplePercent().getAsDouble(), seed);
    }
}
