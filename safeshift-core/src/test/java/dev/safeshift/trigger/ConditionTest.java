package dev.safeshift.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.safeshift.trigger.Condition.Operator;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class ConditionTest {

    @Test
    void readsAbsoluteConditionsInTheMetricsUnit() {
        assertThat(Condition.parse("> 2%", Metric.ERROR_RATE))
                .isEqualTo(new Condition(Operator.GREATER, 2, false, Metric.Unit.PERCENT));
        assertThat(Condition.parse(">= 800ms", Metric.LATENCY_P99))
                .isEqualTo(new Condition(Operator.GREATER_OR_EQUAL, 800, false, Metric.Unit.MILLISECONDS));
        assertThat(Condition.parse("< 50/s", Metric.THROUGHPUT))
                .isEqualTo(new Condition(Operator.LESS, 50, false, Metric.Unit.PER_SECOND));
        assertThat(Condition.parse("<= 0.5%", Metric.ERROR_RATE))
                .isEqualTo(new Condition(Operator.LESS_OR_EQUAL, 0.5, false, Metric.Unit.PERCENT));
    }

    @Test
    void secondsAreTurnedIntoMilliseconds() {
        Condition condition = Condition.parse("> 1.5s", Metric.LATENCY_MAX);

        assertThat(condition.amount()).isEqualTo(1500);
        assertThat(condition).hasToString("> 1500ms");
    }

    @Test
    void spacesAndCaseDoNotMatter() {
        assertThat(Condition.parse(">2%", Metric.ERROR_RATE)).isEqualTo(Condition.parse("  >  2 %  ", Metric.ERROR_RATE));
        assertThat(Condition.parse("> 800MS", Metric.LATENCY_P95).amount()).isEqualTo(800);
        assertThat(Condition.parse("> 2X Baseline", Metric.LATENCY_P95)).isEqualTo(Condition.parse("> 2 x baseline",
                Metric.LATENCY_P95));
    }

    @Test
    void readsAMultipleOfTheBaseline() {
        Condition condition = Condition.parse("> 1.5x baseline", Metric.LATENCY_P99);

        assertThat(condition.relative()).isTrue();
        assertThat(condition.amount()).isEqualTo(1.5);
        assertThat(condition.unit()).isEqualTo(Metric.Unit.MILLISECONDS);
        assertThat(condition).hasToString("> 1.5x baseline");
        assertThat(Condition.parse("> 2× baseline", Metric.ERROR_RATE).relative()).isTrue();
    }

    @Test
    void aRelativeThresholdNeedsABaselineAndAnAbsoluteOneIgnoresIt() {
        Condition relative = Condition.parse("> 2x baseline", Metric.LATENCY_P99);
        Condition absolute = Condition.parse("> 800ms", Metric.LATENCY_P99);

        assertThat(relative.thresholdFor(OptionalDouble.of(120))).hasValue(240);
        assertThat(relative.thresholdFor(OptionalDouble.empty())).isEmpty();
        assertThat(absolute.thresholdFor(OptionalDouble.of(120))).hasValue(800);
        assertThat(absolute.thresholdFor(OptionalDouble.empty())).hasValue(800);
    }

    @Test
    void eachOperatorComparesAsWrittenAtTheBoundary() {
        assertThat(Condition.parse("> 2%", Metric.ERROR_RATE).breachedBy(2, 2)).isFalse();
        assertThat(Condition.parse("> 2%", Metric.ERROR_RATE).breachedBy(2.01, 2)).isTrue();
        assertThat(Condition.parse(">= 2%", Metric.ERROR_RATE).breachedBy(2, 2)).isTrue();
        assertThat(Condition.parse("< 50/s", Metric.THROUGHPUT).breachedBy(50, 50)).isFalse();
        assertThat(Condition.parse("< 50/s", Metric.THROUGHPUT).breachedBy(49.9, 50)).isTrue();
        assertThat(Condition.parse("<= 50/s", Metric.THROUGHPUT).breachedBy(50, 50)).isTrue();
    }

    @Test
    void aUnitThatDoesNotFitTheMetricIsRefusedWithTheRightForm() {
        Condition.Invalid timeForARate = catchThrowableOfType(Condition.Invalid.class,
                () -> Condition.parse("> 800ms", Metric.ERROR_RATE));
        Condition.Invalid percentForALatency = catchThrowableOfType(Condition.Invalid.class,
                () -> Condition.parse("> 2%", Metric.LATENCY_P99));

        assertThat(timeForARate).hasMessage("'> 800ms' is a time, but error_rate is a percentage. Write it as > 2%, "
                + "or as a multiple of the baseline such as > 2x baseline.");
        assertThat(percentForALatency).hasMessage("'> 2%' is a percentage, but latency_p99 is a time. Write it as "
                + "> 800ms, or as a multiple of the baseline such as > 2x baseline.");
        assertThatThrownBy(() -> Condition.parse("> 5s", Metric.THROUGHPUT)).isInstanceOf(Condition.Invalid.class)
                .hasMessageContaining("throughput is a rate per second");
    }

    @Test
    void aNumberWithoutAUnitSuggestsTheMetricsUnit() {
        Condition.Invalid e = catchThrowableOfType(Condition.Invalid.class, () -> Condition.parse("> 2", Metric.ERROR_RATE));

        assertThat(e).hasMessage("'> 2' has no unit, and error_rate is a percentage: write > 2%, or a multiple of the "
                + "baseline such as > 2x baseline.");
        assertThat(e.suggestion()).contains("> 2%");
    }

    @Test
    void aThresholdWithoutAComparisonSuggestsTheUsualOne() {
        Condition.Invalid rate = catchThrowableOfType(Condition.Invalid.class, () -> Condition.parse("2%", Metric.ERROR_RATE));
        Condition.Invalid throughput = catchThrowableOfType(Condition.Invalid.class,
                () -> Condition.parse("50/s", Metric.THROUGHPUT));

        assertThat(rate).hasMessage("'2%' has no comparison. Start it with >, >=, < or <=, as in > 2%.");
        assertThat(rate.suggestion()).contains("> 2%");
        assertThat(throughput.suggestion()).contains("< 50/s");
    }

    @Test
    void textThatIsNoConditionGetsAnExample() {
        for (String text : new String[] {"", "high", "> -1%", "=> 2%", ">> 2%", "> 2 %%"}) {
            assertThatThrownBy(() -> Condition.parse(text, Metric.ERROR_RATE)).as(text)
                    .isInstanceOf(Condition.Invalid.class).hasMessageContaining("> 2%");
        }
        assertThat(catchThrowableOfType(Condition.Invalid.class, () -> Condition.parse("high", Metric.LATENCY_P99)))
                .hasMessage("'high' is not a condition. Write a comparison and a threshold, such as > 800ms, or a multiple "
                        + "of the baseline measured before cutover, such as > 2x baseline.");
    }

    @Test
    void anUnknownUnitListsTheKnownOnes() {
        assertThat(catchThrowableOfType(Condition.Invalid.class, () -> Condition.parse("> 2 parsecs", Metric.LATENCY_P50)))
                .hasMessage("'> 2 parsecs' has an unknown unit 'parsecs'. Write % for error_rate, ms or s for "
                        + "latencies and lag, /s for throughput, or x baseline for a multiple of the baseline; for latency_p50, for "
                        + "example > 50ms.");
    }

    @Test
    void conditionsThatCanNeverMeanAnythingAreRefused() {
        assertThatThrownBy(() -> Condition.parse("> 0x baseline", Metric.ERROR_RATE))
                .isInstanceOf(Condition.Invalid.class).hasMessageContaining("factor is more than 0");
        assertThatThrownBy(() -> Condition.parse("> 150%", Metric.ERROR_RATE))
                .isInstanceOf(Condition.Invalid.class).hasMessageContaining("at most 100%");
        assertThatThrownBy(() -> new Condition(Operator.GREATER, 0, true, Metric.Unit.PERCENT))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Condition(Operator.GREATER, -1, false, Metric.Unit.MILLISECONDS))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Condition(Operator.GREATER, Double.NaN, false, Metric.Unit.MILLISECONDS))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writesItselfBackAsAPlanWouldWriteIt() {
        assertThat(Condition.parse("<=0.50%", Metric.ERROR_RATE)).hasToString("<= 0.5%");
        assertThat(Condition.parse("< 50 /s", Metric.THROUGHPUT)).hasToString("< 50/s");
        assertThat(Condition.parse(">= 3 x baseline", Metric.THROUGHPUT)).hasToString(">= 3x baseline");
    }
}
