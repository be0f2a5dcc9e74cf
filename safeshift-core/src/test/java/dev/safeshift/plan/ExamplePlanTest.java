package dev.safeshift.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The sample shipped in examples/ must keep loading as the schema evolves. */
class ExamplePlanTest {

    @Test
    void samplePaymentsPlanLoads() {
        Plan plan = PlanLoader.load(RepositoryRoot.find().resolve("examples/plan.yaml"), PlanFiles.ENVIRONMENT);

        assertThat(plan.name()).isEqualTo("payments_move");
        assertThat(plan.source().password()).isEqualTo(Optional.of("s3cret-source"));
        assertThat(plan.moveTarget().passwordVariable()).contains("TARGET_PGPASSWORD");
        assertThat(plan.tables()).extracting(t -> t.target().toString())
                .containsExactly("billing.payments", "billing.payment_refunds");
        assertThat(plan.copy()).isEqualTo(new CopySettings(4, 250_000));
        assertThat(plan.control().endpoint()).isEmpty();
        assertThat(plan.verify()).contains(new VerifySchedule(Duration.ofHours(1), OptionalDouble.of(5)));
        assertThat(plan.tables()).extracting(TableSpec::existingRows).containsOnly(ExistingRows.REFUSE);
        assertThat(plan.retry()).isEqualTo(new RetrySettings(Duration.ofMinutes(10)));
        assertThat(plan.stream()).isEqualTo(new StreamSettings(10L << 30));
        assertThat(plan.owners()).hasSize(3);
    }
}
