package dev.safeshift.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safeshift.plan.VerifySchedule;
import dev.safeshift.verify.Scope;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class VerificationScheduleTest {

    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");
    private static final VerificationSchedule HOURLY =
            new VerificationSchedule(new VerifySchedule(Duration.ofHours(1), OptionalDouble.of(5)));

    @Test
    void theFirstVerificationIsDueAtOnce() {
        assertThat(HOURLY.isDue(Optional.empty(), NOW)).isTrue();
        assertThat(HOURLY.plan().nextDueAt(Optional.empty(), NOW)).isEqualTo(NOW);
    }

    @Test
    void theNextIsDueOneIntervalAfterTheLastFinished() {
        Optional<Instant> last = Optional.of(NOW.minus(Duration.ofMinutes(12)));

        assertThat(HOURLY.isDue(last, NOW)).isFalse();
        assertThat(HOURLY.plan().nextDueAt(last, NOW)).isEqualTo(NOW.plus(Duration.ofMinutes(48)));
    }

    @Test
    void itIsDueExactlyWhenTheIntervalHasPassedAndStaysDue() {
        Optional<Instant> last = Optional.of(NOW.minus(Duration.ofHours(1)));

        assertThat(HOURLY.isDue(last, NOW)).isTrue();
        assertThat(HOURLY.isDue(last, NOW.minusMillis(1))).isFalse();
        assertThat(HOURLY.isDue(last, NOW.plus(Duration.ofDays(3)))).isTrue();
        assertThat(HOURLY.plan().nextDueAt(last, NOW.plus(Duration.ofDays(3)))).as("overdue is due now, not in the past")
                .isEqualTo(NOW.plus(Duration.ofDays(3)));
    }

    @Test
    void aFinishTimeAheadOfTheClockPostponesByAtMostOneInterval() {
        Optional<Instant> fromTheFuture = Optional.of(NOW.plus(Duration.ofDays(2)));

        assertThat(HOURLY.isDue(fromTheFuture, NOW)).isFalse();
        assertThat(HOURLY.plan().nextDueAt(fromTheFuture, NOW)).isEqualTo(NOW.plus(Duration.ofHours(1)));
    }

    @Test
    void scopeFollowsThePlansSample() {
        assertThat(HOURLY.scope(42)).isEqualTo(Scope.sample(5, 42));
        assertThat(schedule(OptionalDouble.empty()).scope(42)).isEqualTo(Scope.full());
        assertThat(schedule(OptionalDouble.of(100)).scope(42).isFull()).isTrue();
    }

    private static VerificationSchedule schedule(OptionalDouble sample) {
        return new VerificationSchedule(new VerifySchedule(Duration.ofMinutes(30), sample));
    }
}
