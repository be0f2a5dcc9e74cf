package dev.safeshift.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safeshift.engine.Side;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MetricTest {

    @Test
    void eachMetricHasItsPlanNameAndUnit() {
        assertThat(Metric.planNames()).containsExactly("error_rate", "latency_p50", "latency_p95", "latency_p99",
                "latency_max", "throughput", "lag");
        assertThat(Metric.ERROR_RATE.unit()).isEqualTo(Metric.Unit.PERCENT);
        assertThat(Metric.LATENCY_P50.unit()).isEqualTo(Metric.Unit.MILLISECONDS);
        assertThat(Metric.LATENCY_P95.unit()).isEqualTo(Metric.Unit.MILLISECONDS);
        assertThat(Metric.LATENCY_P99.unit()).isEqualTo(Metric.Unit.MILLISECONDS);
        assertThat(Metric.LATENCY_MAX.unit()).isEqualTo(Metric.Unit.MILLISECONDS);
        assertThat(Metric.THROUGHPUT.unit()).isEqualTo(Metric.Unit.PER_SECOND);
        assertThat(Metric.LAG.unit()).as("conditions such as > 30s").isEqualTo(Metric.Unit.MILLISECONDS);
        assertThat(Metric.ofPlanName("latency_p99")).contains(Metric.LATENCY_P99);
        assertThat(Metric.ofPlanName("LATENCY_P99")).isEmpty();
    }

    @Test
    void everyExampleConditionFitsItsMetric() {
        for (Metric metric : Metric.values()) {
            assertThat(Condition.parse(metric.exampleCondition(), metric).unit()).as(metric.planName())
                    .isEqualTo(metric.unit());
        }
    }

    @Test
    void valuesAreShownWithTheirUnitAndAsFewDecimalsAsTheyNeed() {
        assertThat(Metric.Unit.PERCENT.format(5.1)).isEqualTo("5.1%");
        assertThat(Metric.Unit.PERCENT.format(2)).isEqualTo("2%");
        assertThat(Metric.Unit.PERCENT.format(100.0 / 12)).isEqualTo("8.33%");
        assertThat(Metric.Unit.PERCENT.format(0)).isEqualTo("0%");
        assertThat(Metric.Unit.MILLISECONDS.format(812.345)).isEqualTo("812ms");
        assertThat(Metric.Unit.MILLISECONDS.format(1500)).isEqualTo("1500ms");
        assertThat(Metric.Unit.MILLISECONDS.format(0.351)).isEqualTo("0.35ms");
        assertThat(Metric.Unit.MILLISECONDS.format(12.34)).isEqualTo("12.3ms");
        assertThat(Metric.Unit.PER_SECOND.format(41.5)).isEqualTo("41.5/s");
    }

    @Test
    void aQueryMatchesPatternsByIdOrByTextIgnoringCase() {
        Instant to = Instant.parse("2030-01-01T12:00:00Z");
        MetricQuery all = new MetricQuery("error_rate", Optional.empty(), Side.TARGET, to.minusSeconds(60), to);
        MetricQuery text = new MetricQuery("error_rate", Optional.of("UPDATE Accounts"), Side.TARGET, to.minusSeconds(60), to);
        MetricQuery id = new MetricQuery("error_rate", Optional.of("00AB12CD34EF5678"), Side.TARGET, to.minusSeconds(60), to);

        assertThat(all.matches("00ab12cd34ef5678", "select ? from accounts")).isTrue();
        assertThat(text.matches("1111111111111111", "update accounts set balance = ? where id = ?")).isTrue();
        assertThat(text.matches("1111111111111111", "select ? from accounts")).isFalse();
        assertThat(id.matches("00ab12cd34ef5678", "select ? from accounts")).isTrue();
        assertThat(id.matches("00ab12cd34ef5679", "select ? from accounts")).isFalse();
        assertThat(all.window()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void aQueryWindowStartsBeforeItEnds() {
        Instant at = Instant.parse("2030-01-01T12:00:00Z");

        assertThatThrownBy(() -> new MetricQuery("error_rate", Optional.empty(), Side.TARGET, at, at))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("starts before it ends");
        assertThatThrownBy(() -> new MetricQuery("error_rate", Optional.of(" "), Side.TARGET, at.minusSeconds(1), at))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aReadingWithoutAValueHasNoSamplesAndAValueIsAFiniteNumber() {
        assertThat(MetricReading.none("no statements").samples()).isZero();
        assertThat(MetricReading.none("no statements").value()).isEmpty();
        assertThatThrownBy(() -> MetricReading.of(Double.NaN, 1, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MetricReading.of(1, -1, "x")).isInstanceOf(IllegalArgumentException.class);
    }
}
