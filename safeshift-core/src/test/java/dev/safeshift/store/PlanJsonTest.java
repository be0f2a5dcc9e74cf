package dev.safeshift.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safeshift.plan.VerifySchedule;
import java.time.Duration;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class PlanJsonTest {

    @Test
    void readsTheVerificationScheduleThePlanSummaryWrites() {
        assertThat(PlanJson.verifySchedule("{\"verify\":{\"every\":\"2h30m\",\"everySeconds\":9000,\"samplePercent\":5.0}}"))
                .contains(new VerifySchedule(Duration.ofMinutes(150), OptionalDouble.of(5)));
        assertThat(PlanJson.verifySchedule("{\"verify\":{\"every\":\"1h\",\"everySeconds\":3600}}"))
                .contains(new VerifySchedule(Duration.ofHours(1), OptionalDouble.empty()));
    }

    @Test
    void aPlanWithoutAUsableScheduleHasNone() {
        assertThat(PlanJson.verifySchedule("{}")).isEmpty();
        assertThat(PlanJson.verifySchedule("{\"verify\":{\"every\":\"1h\"}}")).isEmpty();
        assertThat(PlanJson.verifySchedule("{\"verify\":{\"everySeconds\":5}}")).as("below the minimum").isEmpty();
        assertThat(PlanJson.verifySchedule("{\"verify\":{\"everySeconds\":60,\"samplePercent\":500}}")).isEmpty();
        assertThat(PlanJson.verifySchedule("not json")).isEmpty();
    }
}
