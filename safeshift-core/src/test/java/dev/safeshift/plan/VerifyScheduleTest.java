package dev.safeshift.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class VerifyScheduleTest {

    @Test
    void refusesWhatThePlanWouldRefuse() {
        assertThatThrownBy(() -> new VerifySchedule(Duration.ofSeconds(59), OptionalDouble.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not 59s");
        assertThatThrownBy(() -> new VerifySchedule(Duration.ofHours(1), OptionalDouble.of(0)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new VerifySchedule(Duration.ofHours(1), OptionalDouble.of(100.5)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new VerifySchedule(Durations.MAXIMUM.plusSeconds(1), OptionalDouble.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 3650d");
    }

    @Test
    void theLongestScheduleStillGivesATimeWhenNextDue() {
        VerifySchedule schedule = new VerifySchedule(Durations.MAXIMUM, OptionalDouble.empty());
        Instant now = Instant.parse("2030-01-01T00:00:00Z");

        assertThat(schedule.nextDueAt(Optional.of(now), now)).isEqualTo(now.plus(Duration.ofDays(3650)));
    }

    @Test
    void aHundredPercentSampleIsFull() {
        assertThat(new VerifySchedule(Duration.ofHours(1), OptionalDouble.of(100)).full()).isTrue();
        assertThat(new VerifySchedule(Duration.ofHours(1), OptionalDouble.empty()).full()).isTrue();
        assertThat(new VerifySchedule(Duration.ofHours(1), OptionalDouble.of(5)).full()).isFalse();
    }
}
