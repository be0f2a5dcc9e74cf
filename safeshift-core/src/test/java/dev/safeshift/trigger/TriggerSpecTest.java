package dev.safeshift.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safeshift.engine.Side;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The record refuses what the plan refuses, so code that builds triggers cannot slip past the plan's rules. */
class TriggerSpecTest {

    private static final Condition TWO_PERCENT = Condition.parse("> 2%", Metric.ERROR_RATE);

    private static TriggerSpec spec(String name, Condition condition, Metric metric, Duration interval, Duration window,
                                    int consecutive, TriggerAction action, Optional<Duration> deadline) {
        return new TriggerSpec(name, metric, ProviderKind.ROUTER, Optional.empty(), condition, interval, window, 50,
                consecutive, action, Optional.empty(), deadline, OnInconclusive.WAIT);
    }

    @Test
    void theDefaultsAreThePlansDefaults() {
        TriggerSpec spec = TriggerSpec.of("errors", Metric.ERROR_RATE, TWO_PERCENT, TriggerAction.ALERT, Optional.empty());

        assertThat(spec.interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(spec.window()).isEqualTo(Duration.ofMinutes(1));
        assertThat(spec.minSamples()).isEqualTo(50);
        assertThat(spec.consecutive()).isEqualTo(3);
        assertThat(spec.provider()).isEqualTo(ProviderKind.ROUTER);
        assertThat(spec.onInconclusive()).isEqualTo(OnInconclusive.WAIT);
    }

    @Test
    void refusesWhatThePlanRefuses() {
        Duration s10 = Duration.ofSeconds(10);
        Optional<Duration> deadline = Optional.of(Duration.ofMinutes(2));
        assertThatThrownBy(() -> spec("errors", TWO_PERCENT, Metric.ERROR_RATE, s10, Duration.ofSeconds(5), 3,
                TriggerAction.ALERT, deadline)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the window (5s) is at least the interval (10s)");
        assertThatThrownBy(() -> spec("errors", TWO_PERCENT, Metric.ERROR_RATE, s10, s10, 3, TriggerAction.ROLLBACK,
                Optional.empty())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deadline");
        assertThatThrownBy(() -> spec("errors", TWO_PERCENT, Metric.LATENCY_P99, s10, s10, 3, TriggerAction.ALERT,
                deadline)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not in the unit of latency_p99");
        assertThatThrownBy(() -> spec("Errors!", TWO_PERCENT, Metric.ERROR_RATE, s10, s10, 3, TriggerAction.ALERT,
                deadline)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> spec("errors", TWO_PERCENT, Metric.ERROR_RATE, s10, s10, 0, TriggerAction.ALERT,
                deadline)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> spec("errors", TWO_PERCENT, Metric.ERROR_RATE, Duration.ofMillis(500), s10, 3,
                TriggerAction.ALERT, deadline)).isInstanceOf(IllegalArgumentException.class);
    }

    private static TriggerSpec withProvider(ProviderKind provider, Metric metric, Optional<String> query,
                                            Optional<String> pattern) {
        return new TriggerSpec("custom", metric, provider, query, pattern, Condition.parse("> 1s", Metric.LAG),
                Duration.ofSeconds(10), Duration.ofMinutes(1), 1, 3, TriggerAction.ALERT, Optional.empty(),
                Optional.empty(), OnInconclusive.WAIT);
    }

    @Test
    void aQueryIsGivenExactlyToTheProvidersThatRunOneAndAPatternOnlyToTheRouter() {
        Optional<String> select = Optional.of("select 1 as value");
        assertThat(withProvider(ProviderKind.SQL, Metric.LATENCY_P99, select, Optional.empty()).providerQuery())
                .isEqualTo(select);
        assertThatThrownBy(() -> withProvider(ProviderKind.SQL, Metric.LATENCY_P99, Optional.empty(), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("trigger custom: provider sql needs a query to run");
        assertThatThrownBy(() -> withProvider(ProviderKind.ROUTER, Metric.LATENCY_P99, select, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("runs no query of the plan's");
        assertThatThrownBy(() -> withProvider(ProviderKind.SQL, Metric.LATENCY_P99, Optional.of(" "), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not blank");
        assertThatThrownBy(() -> withProvider(ProviderKind.LAG, Metric.LAG, Optional.empty(), Optional.of("update")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only the router's figures");
        assertThatThrownBy(() -> withProvider(ProviderKind.ROUTER, Metric.LAG, Optional.empty(), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("trigger custom: provider router has no metric lag");
    }

    @Test
    void theQueryTravelsWithWhatAnEvaluationAsksTheProvider() {
        TriggerSpec spec = withProvider(ProviderKind.SQL, Metric.LATENCY_P99, Optional.of("select 1 as value"),
                Optional.empty());

        assertThat(spec.query(Side.TARGET, Instant.parse("2030-01-01T12:00:00Z")).providerQuery())
                .contains("select 1 as value");
        assertThat(ProviderKind.SQL.defaultMinSamples()).isEqualTo(1);
        assertThat(ProviderKind.ROUTER.defaultMinSamples()).isEqualTo(50);
        assertThat(ProviderKind.LAG.samples(1)).isEqualTo("1 report");
    }

    @Test
    void anEvaluationReadsTheWindowThatEndsWhenItRuns() {
        TriggerSpec spec = new TriggerSpec("slow_updates", Metric.LATENCY_P99, ProviderKind.ROUTER,
                Optional.of("update payments"), Condition.parse("> 800ms", Metric.LATENCY_P99), Duration.ofSeconds(10),
                Duration.ofMinutes(2), 50, 3, TriggerAction.ROLLBACK, Optional.of("Ana Lima"),
                Optional.of(Duration.ofMinutes(2)), OnInconclusive.WAIT);
        Instant at = Instant.parse("2030-01-01T12:00:00Z");

        MetricQuery query = spec.query(Side.TARGET, at);

        assertThat(query).isEqualTo(new MetricQuery("latency_p99", Optional.of("update payments"), Side.TARGET,
                at.minus(Duration.ofMinutes(2)), at));
        assertThat(spec.summary()).isEqualTo("latency_p99 of 'update payments' > 800ms over 2m (router), "
                + "3 breaches in a row: rollback within 2m");
    }
}
