package dev.safeshift.run;

import dev.safeshift.plan.VerifySchedule;
import dev.safeshift.verify.Scope;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The plan's scheduled verification as the daemon runs it: whether one is due (by the rule of
 * {@link VerifySchedule#nextDueAt}) and what it checks. Pure logic: the caller passes the finish
 * time and the current time, both read from the same clock.
 */
public record VerificationSchedule(VerifySchedule plan) {

    public VerificationSchedule {
        Objects.requireNonNull(plan, "plan");
    }

    public boolean isDue(Optional<Instant> lastFinishedAt, Instant now) {
        return !plan.nextDueAt(lastFinishedAt, now).isAfter(now);
    }

    /** What the next verification checks: every chunk, or the sample that {@code seed} chooses. */
    public Scope scope(long seed) {
        return plan.full() ? Scope.full() : Scope.sample(plan.samplePercent().getAsDouble(), seed);
    }
}
