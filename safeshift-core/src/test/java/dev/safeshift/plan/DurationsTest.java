package dev.safeshift.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void parsesTheShortFormLargestUnitFirst() {
        assertThat(Durations.parse("30s")).contains(Duration.ofSeconds(30));
        assertThat(Durations.parse("15m")).contains(Duration.ofMinutes(15));
        assertThat(Durations.parse("2h30m")).contains(Duration.ofMinutes(150));
        assertThat(Durations.parse("1d12h")).contains(Duration.ofHours(36));
        assertThat(Durations.parse("90m")).contains(Duration.ofMinutes(90));
    }

    @Test
    void refusesOtherForms() {
        assertThat(Durations.parse("")).isEmpty();
        assertThat(Durations.parse("30")).isEmpty();
        assertThat(Durations.parse("30m1h")).isEmpty();
        assertThat(Durations.parse("1h 30m")).isEmpty();
        assertThat(Durations.parse("1.5h")).isEmpty();
        assertThat(Durations.parse("-5m")).isEmpty();
        assertThat(Durations.parse("99999999999999999999d")).isEmpty();
        assertThat(Durations.parse("999999999999999d")).isEmpty();
    }

    @Test
    void formatsInTheFormItParses() {
        assertThat(Durations.format(Duration.ofMinutes(150))).isEqualTo("2h30m");
        assertThat(Duration.ofSeconds(93_784)).satisfies(d -> assertThat(Durations.format(d)).isEqualTo("1d2h3m4s"));
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(Durations.format(Duration.ofMinutes(-5))).isEqualTo("-5m");
    }

    @Test
    void respellsCommonWaysOfWritingADuration() {
        assertThat(Durations.respell("1 hour")).contains("1h");
        assertThat(Durations.respell("1H")).contains("1h");
        assertThat(Durations.respell("90 mins")).contains("1h30m");
        assertThat(Durations.respell("0.5h")).contains("30m");
        assertThat(Durations.respell("1 day, 2 hours and 5 minutes")).contains("1d2h5m");
        assertThat(Durations.respell("hourly")).isEmpty();
        assertThat(Durations.respell("1.5s")).isEmpty();
        assertThat(Durations.respell("1 fortnight")).isEmpty();
    }
}
