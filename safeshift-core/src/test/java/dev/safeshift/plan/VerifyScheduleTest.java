package dev.safeshift.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
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
    }

    @Test
    void aHundredPercentSampleIsFull() {
        assertThat(new VerifySchedule(Duration.ofHours(1), OptionalDouble.of(100)).full()).isTrue();
        assertThat(new VerifySchedule(Duration.ofHours(1), OptionalDouble.empty()).full()).isTrue();
        assertThat(new VerifySchedule(Duration.ofHours(1), OptionalDouble.of(5)).full()).isFalse();
    }
}
