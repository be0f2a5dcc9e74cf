package dev.safeshift.trigger;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Judges one trigger's readings, one evaluation after another, and keeps what must be remembered
 * between them: the breaches in a row, whether it fired, and the counts status shows. It reads
 * nothing itself, so the rules can be tested without a database and applied to any provider.
 *
 * <p>The rules: a reading without a value, or with fewer samples than {@code min-samples}, is
 * inconclusive, and so is a relative condition whose baseline has no value or fewer samples.
 * A breach adds one to the breaches in a row and a pass sets them back to zero. An inconclusive
 * evaluation keeps them as they are ({@code on-inconclusive: wait}) or adds one
 * ({@code on-inconclusive: breach}). The evaluation that brings them to {@code consecutive} fires
 * the trigger; it fires once, and later evaluations are still judged and counted.
 *
 * <p>One evaluator per trigger and migration; its methods may be called from several threads.
 */
public final class TriggerEvaluator {

    private final TriggerSpec spec;
    private int consecutiveBreaches;
    private int inconclusiveInARow;
    private boolean fired;
    private long evaluations;
    private long passes;
    private long breaches;
    private long inconclusive;

    public TriggerEvaluator(TriggerSpec spec) {
        this.spec = Objects.requireNonNull(spec, "spec");
    }

    public TriggerSpec spec() {
        return spec;
    }

    /** Judges a reading of a trigger whose condition is absolute; a relative one is inconclusive without a baseline. */
    public Evaluation evaluate(MetricReading reading, Instant at) {
        return evaluate(reading, MetricReading.none("no baseline was measured"), at);
    }

    /**
     * Judges one reading.
     *
     * @param reading  the trigger's metric over the window that ends at {@code at}
     * @param baseline the same metric measured on the source before cutover; used only by relative conditions
     * @param at       the end of the window that was read
     */
    public synchronized Evaluation evaluate(MetricReading reading, MetricReading baseline, Instant at) {
        Objects.requireNonNull(reading, "reading");
        Objects.requireNonNull(baseline, "baseline");
        Objects.requireNonNull(at, "at");
        Condition condition = spec.condition();
        OptionalDouble threshold = condition.relative() && baseline.samples() < spec.minSamples()
                ? OptionalDouble.empty() : condition.thresholdFor(baseline.value());
        Optional<String> notConclusive = whyInconclusive(reading, baseline);
        evaluations++;

        Verdict verdict;
        String reason;
        int before = consecutiveBreaches;
        if (notConclusive.isPresent()) {
            verdict = Verdict.INCONCLUSIVE;
            inconclusive++;
            inconclusiveInARow++;
            boolean counts = spec.onInconclusive() == OnInconclusive.BREACH;
            if (counts) {
                consecutiveBreaches++;
            }
            reason = "inconclusive: " + notConclusive.get() + "; " + (counts
                    ? "counted as a breach (on-inconclusive: breach): " + progress()
                    : "neither pass nor breach, still " + progress());
        } else {
            double value = reading.value().getAsDouble();
            boolean breached = condition.breachedBy(value, threshold.getAsDouble());
            inconclusiveInARow = 0;
            String measured = measured(value, threshold.getAsDouble(), breached, baseline) + " ("
                    + spec.provider().samples(reading.samples()) + ")";
            if (breached) {
                verdict = Verdict.BREACH;
                breaches++;
                consecutiveBreaches++;
                reason = measured + "; " + progress();
            } else {
                verdict = Verdict.PASS;
                passes++;
                consecutiveBreaches = 0;
                reason = measured + (before > 0 ? "; this ends a run of " + before + (before == 1 ? " breach" : " breaches")
                        : "");
            }
        }
        boolean firesNow = !fired && consecutiveBreaches > before && consecutiveBreaches >= spec.consecutive();
        if (firesNow) {
            fired = true;
            reason += ": the trigger fires (" + spec.action().planValue() + ")";
        } else if (fired && consecutiveBreaches > before) {
            reason += " (the trigger has fired already)";
        }
        return new Evaluation(spec.name(), at, verdict, reading.value(), threshold, reading.samples(),
                consecutiveBreaches, firesNow, reason);
    }

    /** The evaluations so far. */
    public synchronized EvaluationCounts counts() {
        return new EvaluationCounts(evaluations, passes, breaches, inconclusive, consecutiveBreaches, inconclusiveInARow,
                fired);
    }

    private Optional<String> whyInconclusive(MetricReading reading, MetricReading baseline) {
        Metric metric = spec.metric();
        if (reading.value().isEmpty()) {
            return Optional.of("no " + metric.label() + " data (" + reading.detail() + ")");
        }
        if (reading.samples() < spec.minSamples()) {
            return Optional.of("only " + spec.provider().samples(reading.samples()) + ", fewer than min-samples "
                    + spec.minSamples() + " (" + metric.label() + " " + metric.unit().format(reading.value().getAsDouble())
                    + ")");
        }
        if (spec.condition().relative()) {
            if (baseline.value().isEmpty()) {
                return Optional.of("no baseline to compare with (" + baseline.detail() + ")");
            }
            if (baseline.samples() < spec.minSamples()) {
                return Optional.of("the baseline rests on only " + spec.provider().samples(baseline.samples())
                        + ", fewer than min-samples " + spec.minSamples());
            }
        }
        return Optional.empty();
    }

    /** "error rate 5.1% is above 2%", or for a relative condition "... is above 200ms, 2x the baseline of 100ms". */
    private String measured(double value, double threshold, boolean breached, MetricReading baseline) {
        Metric.Unit unit = spec.metric().unit();
        Condition condition = spec.condition();
        String relative = condition.relative() ? ", " + factor(condition.amount()) + "x the baseline of "
                + unit.format(baseline.value().getAsDouble()) : "";
        return spec.metric().label() + " " + unit.format(value) + " is " + (breached ? "" : "not ")
                + condition.operator().words() + " " + unit.format(threshold) + relative;
    }

    /** "2 of 3 consecutive breaches"; past the count that fires, just "4 consecutive breaches". */
    private String progress() {
        return consecutiveBreaches + (consecutiveBreaches <= spec.consecutive() ? " of " + spec.consecutive() : "")
                + " consecutive breaches";
    }

    private static String factor(double amount) {
        return BigDecimal.valueOf(amount).stripTrailingZeros().toPlainString();
    }
}
