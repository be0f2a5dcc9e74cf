package dev.safeshift.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TriggerEvaluatorTest {

    private static final Instant T0 = Instant.parse("2030-01-01T12:00:00Z");
    private static final MetricReading HIGH = MetricReading.of(5.1, 412, "412 calls, 21 errors on the target");
    private static final MetricReading LOW = MetricReading.of(0.4, 500, "500 calls, 2 errors on the target");
    private static final MetricReading NO_DATA = MetricReading.none("no statements recorded on the target in this 1m window");

    private static TriggerSpec errorRate(int consecutive, OnInconclusive onInconclusive) {
        return new TriggerSpec("payment_errors", Metric.ERROR_RATE, ProviderKind.ROUTER, Optional.empty(),
                Condition.parse("> 2%", Metric.ERROR_RATE), Duration.ofSeconds(10), Duration.ofMinutes(1), 50,
                consecutive, TriggerAction.ROLLBACK, Optional.of("Ana Lima"), Optional.of(Duration.ofMinutes(2)),
                onInconclusive);
    }

    private static TriggerSpec p99(String condition) {
        return new TriggerSpec("slow", Metric.LATENCY_P99, ProviderKind.ROUTER, Optional.empty(),
                Condition.parse(condition, Metric.LATENCY_P99), Duration.ofSeconds(10), Duration.ofMinutes(1), 50, 2,
                TriggerAction.ALERT, Optional.empty(), Optional.empty(), OnInconclusive.WAIT);
    }

    private static Instant at(int evaluation) {
        return T0.plusSeconds(10L * evaluation);
    }

    @Test
    void breachesInARowFireTheTriggerOnceTheyReachConsecutive() {
        TriggerEvaluator evaluator = new TriggerEvaluator(errorRate(3, OnInconclusive.WAIT));

        Evaluation first = evaluator.evaluate(HIGH, at(0));
        Evaluation second = evaluator.evaluate(HIGH, at(1));
        Evaluation third = evaluator.evaluate(HIGH, at(2));

        assertThat(first.verdict()).isEqualTo(Verdict.BREACH);
        assertThat(first.fired()).isFalse();
        assertThat(first.value()).hasValue(5.1);
        assertThat(first.threshold()).hasValue(2);
        assertThat(first.samples()).isEqualTo(412);
        assertThat(first.trigger()).isEqualTo("payment_errors");
        assertThat(first.at()).isEqualTo(at(0));
        assertThat(second.reason()).isEqualTo("error rate 5.1% is above 2% (412 calls); 2 of 3 consecutive breaches");
        assertThat(second.fired()).isFalse();
        assertThat(third.consecutiveBreaches()).isEqualTo(3);
        assertThat(third.fired()).isTrue();
        assertThat(third.reason()).isEqualTo("error rate 5.1% is above 2% (412 calls); 3 of 3 consecutive breaches: "
                + "the trigger fires (rollback)");
    }

    @Test
    void aTriggerFiresOnlyOnce() {
        TriggerEvaluator evaluator = new TriggerEvaluator(errorRate(1, OnInconclusive.WAIT));

        Evaluation first = evaluator.evaluate(HIGH, at(0));
        Evaluation again = evaluator.evaluate(HIGH, at(1));
        evaluator.evaluate(LOW, at(2));
        Evaluation afterAPass = evaluator.evaluate(HIGH, at(3));

        assertThat(first.fired()).isTrue();
        assertThat(again.fired()).isFalse();
        assertThat(again.verdict()).isEqualTo(Verdict.BREACH);
        assertThat(again.reason()).isEqualTo("error rate 5.1% is above 2% (412 calls); 2 consecutive breaches "
                + "(the trigger has fired already)");
        assertThat(afterAPass.fired()).isFalse();
        assertThat(evaluator.counts().fired()).isTrue();
    }

    @Test
    void aPassStartsTheCountAgain() {
        TriggerEvaluator evaluator = new TriggerEvaluator(errorRate(3, OnInconclusive.WAIT));

        evaluator.evaluate(HIGH, at(0));
        evaluator.evaluate(HIGH, at(1));
        Evaluation pass = evaluator.evaluate(LOW, at(2));
        evaluator.evaluate(HIGH, at(3));
        Evaluation fifth = evaluator.evaluate(HIGH, at(4));

        assertThat(pass.verdict()).isEqualTo(Verdict.PASS);
        assertThat(pass.consecutiveBreaches()).isZero();
        assertThat(pass.reason()).isEqualTo("error rate 0.4% is not above 2% (500 calls); this ends a run of 2 breaches");
        assertThat(fifth.consecutiveBreaches()).isEqualTo(2);
        assertThat(fifth.fired()).isFalse();
    }

    @Test
    void fewerSamplesThanMinSamplesIsInconclusiveNotAPass() {
        TriggerEvaluator evaluator = new TriggerEvaluator(errorRate(3, OnInconclusive.WAIT));

        Evaluation evaluation = evaluator.evaluate(MetricReading.of(100.0 / 12, 12, "12 calls, 1 error"), at(0));

        assertThat(evaluation.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(evaluation.value()).as("shown, though not judged").hasValue(100.0 / 12);
        assertThat(evaluation.reason()).isEqualTo("inconclusive: only 12 calls, fewer than min-samples 50 (error rate "
                + "8.33%); neither pass nor breach, still 0 of 3 consecutive breaches");
    }

    @Test
    void missingDataIsInconclusiveAndCounted() {
        TriggerEvaluator evaluator = new TriggerEvaluator(errorRate(3, OnInconclusive.WAIT));

        Evaluation evaluation = evaluator.evaluate(NO_DATA, at(0));
        evaluator.evaluate(NO_DATA, at(1));
        evaluator.evaluate(LOW, at(2));
        evaluator.evaluate(NO_DATA, at(3));

        assertThat(evaluation.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(evaluation.value()).isEmpty();
        assertThat(evaluation.reason()).isEqualTo("inconclusive: no error rate data (no statements recorded on the "
                + "target in this 1m window); neither pass nor breach, still 0 of 3 consecutive breaches");
        assertThat(evaluator.counts()).isEqualTo(new EvaluationCounts(4, 1, 0, 3, 0, 1, false));
    }

    @Test
    void waitingKeepsTheBreachesInARowAcrossInconclusiveEvaluations() {
        TriggerEvaluator evaluator = new TriggerEvaluator(errorRate(3, OnInconclusive.WAIT));

        evaluator.evaluate(HIGH, at(0));
        evaluator.evaluate(HIGH, at(1));
        Evaluation gap = evaluator.evaluate(NO_DATA, at(2));
        Evaluation third = evaluator.evaluate(HIGH, at(3));

        assertThat(gap.consecutiveBreaches()).isEqualTo(2);
        assertThat(gap.fired()).isFalse();
        assertThat(gap.reason()).endsWith("neither pass nor breach, still 2 of 3 consecutive breaches");
        assertThat(third.fired()).isTrue();
        assertThat(evaluator.counts()).isEqualTo(new EvaluationCounts(4, 0, 3, 1, 3, 0, true));
    }

    @Test
    void onInconclusiveBreachCountsMissingDataAsABreachAndCanFire() {
        TriggerEvaluator evaluator = new TriggerEvaluator(errorRate(3, OnInconclusive.BREACH));

        evaluator.evaluate(HIGH, at(0));
        Evaluation gap = evaluator.evaluate(NO_DATA, at(1));
        Evaluation third = evaluator.evaluate(NO_DATA, at(2));

        assertThat(gap.verdict()).as("still shown as what it is").isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(gap.consecutiveBreaches()).isEqualTo(2);
        assertThat(gap.reason()).endsWith("counted as a breach (on-inconclusive: breach): 2 of 3 consecutive breaches");
        assertThat(third.fired()).isTrue();
        assertThat(third.reason()).endsWith("3 of 3 consecutive breaches: the trigger fires (rollback)");
        assertThat(evaluator.counts().inconclusive()).isEqualTo(2);
        assertThat(evaluator.counts().breaches()).as("measured breaches only").isEqualTo(1);
    }

    @Test
    void aRelativeConditionComparesWithTheBaseline() {
        TriggerEvaluator evaluator = new TriggerEvaluator(p99("> 2x baseline"));
        MetricReading baseline = MetricReading.of(100, 5000, "5000 calls, 0 errors on the source");

        Evaluation breach = evaluator.evaluate(MetricReading.of(250, 400, "400 calls"), baseline, at(0));
        Evaluation pass = evaluator.evaluate(MetricReading.of(150, 400, "400 calls"), baseline, at(1));

        assertThat(breach.verdict()).isEqualTo(Verdict.BREACH);
        assertThat(breach.threshold()).hasValue(200);
        assertThat(breach.reason()).isEqualTo("p99 latency 250ms is above 200ms, 2x the baseline of 100ms (400 calls); "
                + "1 of 2 consecutive breaches");
        assertThat(pass.verdict()).isEqualTo(Verdict.PASS);
    }

    @Test
    void aRelativeConditionWithoutAUsableBaselineIsInconclusive() {
        TriggerEvaluator evaluator = new TriggerEvaluator(p99("> 2x baseline"));
        MetricReading slow = MetricReading.of(900, 400, "400 calls");

        Evaluation none = evaluator.evaluate(slow, at(0));
        Evaluation thin = evaluator.evaluate(slow, MetricReading.of(100, 20, "20 calls on the source"), at(1));
        Evaluation empty = evaluator.evaluate(slow, MetricReading.none("no statements recorded on the source"), at(2));

        assertThat(none.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(none.reason()).startsWith("inconclusive: no baseline to compare with (no baseline was measured)");
        assertThat(thin.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(thin.threshold()).isEmpty();
        assertThat(thin.reason()).startsWith("inconclusive: the baseline rests on only 20 calls, fewer than min-samples 50");
        assertThat(empty.reason()).startsWith("inconclusive: no baseline to compare with (no statements recorded on the source)");
        assertThat(evaluator.counts().inconclusive()).isEqualTo(3);
    }

    @Test
    void anAbsoluteConditionNeedsNoBaseline() {
        TriggerEvaluator evaluator = new TriggerEvaluator(p99("> 800ms"));

        Evaluation evaluation = evaluator.evaluate(MetricReading.of(900, 400, "400 calls"),
                MetricReading.none("no statements recorded on the source"), at(0));

        assertThat(evaluation.verdict()).isEqualTo(Verdict.BREACH);
        assertThat(evaluation.reason()).isEqualTo("p99 latency 900ms is above 800ms (400 calls); 1 of 2 consecutive breaches");
    }

    @Test
    void aThroughputFloorIsBreachedFromBelow() {
        TriggerSpec spec = new TriggerSpec("traffic", Metric.THROUGHPUT, ProviderKind.ROUTER, Optional.empty(),
                Condition.parse("< 50/s", Metric.THROUGHPUT), Duration.ofSeconds(10), Duration.ofMinutes(1), 50, 1,
                TriggerAction.PAUSE, Optional.empty(), Optional.empty(), OnInconclusive.WAIT);
        TriggerEvaluator evaluator = new TriggerEvaluator(spec);

        Evaluation pass = evaluator.evaluate(MetricReading.of(120, 7200, "7200 calls"), at(0));
        Evaluation breach = evaluator.evaluate(MetricReading.of(12.5, 750, "750 calls"), at(1));

        assertThat(pass.reason()).isEqualTo("throughput 120/s is not below 50/s (7200 calls)");
        assertThat(breach.fired()).isTrue();
        assertThat(breach.reason()).isEqualTo("throughput 12.5/s is below 50/s (750 calls); 1 of 1 consecutive breaches: "
                + "the trigger fires (pause)");
    }

    @Test
    void countsSeparatePassesBreachesAndInconclusiveEvaluations() {
        TriggerEvaluator evaluator = new TriggerEvaluator(errorRate(3, OnInconclusive.WAIT));

        evaluator.evaluate(LOW, at(0));
        evaluator.evaluate(HIGH, at(1));
        evaluator.evaluate(NO_DATA, at(2));
        evaluator.evaluate(NO_DATA, at(3));

        assertThat(evaluator.counts()).isEqualTo(new EvaluationCounts(4, 1, 1, 2, 1, 2, false));
    }
}
