package dev.safeshift.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safeshift.plan.ControlSpec;
import dev.safeshift.plan.CopySettings;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.Plan;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.plan.TableSpec;
import dev.safeshift.plan.VerifySchedule;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class PlanSummaryTest {

    @Test
    void aScheduleIsWrittenTheWayStatusReadsItBack() throws Exception {
        JsonNode sampled = summary(Optional.of(new VerifySchedule(Duration.ofMinutes(150), OptionalDouble.of(5))));
        assertThat(sampled.path("verify").toString())
                .isEqualTo("{\"every\":\"2h30m\",\"everySeconds\":9000,\"samplePercent\":5.0}");

        JsonNode full = summary(Optional.of(new VerifySchedule(Duration.ofHours(1), OptionalDouble.empty())));
        assertThat(full.path("verify").toString()).isEqualTo("{\"every\":\"1h\",\"everySeconds\":3600}");

        assertThat(summary(Optional.empty()).has("verify")).isFalse();
    }

    @Test
    void newerSettingsAreWrittenWithTheirDefaults() throws Exception {
        JsonNode summary = summary(Optional.empty());

        assertThat(summary.path("tables").get(0).path("existingRows").asText()).isEqualTo("refuse");
        assertThat(summary.path("retryGiveUpAfterSeconds").asLong()).isEqualTo(600);
        assertThat(summary.path("warnRetainedWalBytes").asLong()).isEqualTo(10L << 30);
    }

    private static JsonNode summary(Optional<VerifySchedule> verify) throws Exception {
        QualifiedName orders = new QualifiedName("public", "orders");
        Plan plan = new Plan(null, "orders", Endpoint.of("jdbc:postgresql://a/db", "u"),
                Endpoint.of("jdbc:postgresql://b/db", "u"), List.of(new TableSpec(orders, orders, List.of())),
                new ControlSpec(Optional.empty(), ControlSpec.DEFAULT_SCHEMA), CopySettings.DEFAULTS, verify, List.of());
        return new ObjectMapper().readTree(PlanSummary.json(plan));
    }
}
