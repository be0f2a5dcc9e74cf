package dev.safeshift.cutover;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safeshift.engine.Side;
import dev.safeshift.plan.Durations;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.TriggerRecord;
import dev.safeshift.trigger.Evaluation;
import dev.safeshift.trigger.MetricProvider;
import dev.safeshift.trigger.MetricReading;
import dev.safeshift.trigger.TriggerAction;
import dev.safeshift.trigger.TriggerEvaluator;
import dev.safeshift.trigger.TriggerSpec;
import dev.safeshift.trigger.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plan's triggers, watched while the application runs on the target: each is evaluated every
 * {@code interval} over its {@code window} on the target, against the baseline measured on the
 * source before the switch; every evaluation is stored. A trigger that fires returns its action to
 * the caller (a rollback is then asked for); a breach that does not fire is a near-miss, put on
 * the timeline. A provider that cannot be read makes the evaluation inconclusive, never a pass.
 */
public final class TriggerWatch {

    private static final Logger LOG = LoggerFactory.getLogger(TriggerWatch.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A trigger that fired, with what it asks for. */
    public record Fired(TriggerSpec trigger, Evaluation evaluation, Instant at) {
    }

    private final ControlStore store;
    private final long migrationId;
    private final String actor;
    private final Function<TriggerSpec, MetricProvider> providers;
    private final Consumer<String> info;
    private final List<Watched> watched = new ArrayList<>();

    private static final class Watched {
        final TriggerEvaluator evaluator;
        final MetricReading baseline;
        long dueAt;
        /** The reason of the last breach of a streak that has not fired, while the streak lasts. */
        Evaluation lastBreach;

        Watched(TriggerSpec spec, MetricReading baseline, long dueAt) {
            this.evaluator = new TriggerEvaluator(spec);
            this.baseline = baseline;
            this.dueAt = dueAt;
        }
    }

    public TriggerWatch(ControlStore store, long migrationId, List<TriggerSpec> triggers,
                        Function<TriggerSpec, MetricProvider> providers, String actor, Consumer<String> info) {
        this.store = store;
        this.migrationId = migrationId;
        this.actor = actor;
        this.providers = providers;
        this.info = info;
        Map<String, TriggerRecord> baselines = store.baselines(migrationId).stream()
                .collect(Collectors.toMap(TriggerRecord::trigger, Function.identity()));
        long now = System.nanoTime();
        for (TriggerSpec trigger : triggers) {
            MetricReading baseline = Optional.ofNullable(baselines.get(trigger.name()))
                    .map(record -> new MetricReading(record.value(), record.samples(), record.reason()))
                    .orElse(MetricReading.none("no baseline was measured before the switch"));
            watched.add(new Watched(trigger, baseline, now + trigger.interval().toNanos()));
        }
    }

    /**
     * Reads each trigger's metric on the source over the window that ends now and stores it as
     * the trigger's baseline. Returns the sentences that stop a cutover: a relative trigger whose
     * baseline cannot carry a decision could never fire, and would pass for a safety net.
     */
    public static List<String> measureBaselines(ControlStore store, long migrationId, List<TriggerSpec> triggers,
                                                Function<TriggerSpec, MetricProvider> providers) {
        List<String> problems = new ArrayList<>();
        Instant now = Instant.now();
        for (TriggerSpec trigger : triggers) {
            MetricReading reading = read(providers, trigger, Side.SOURCE, now);
            store.recordBaseline(migrationId, TriggerRecord.baseline(trigger.name(), now, reading.value(),
                    reading.samples(), reading.detail()));
            boolean usable = reading.value().isPresent() && reading.samples() >= trigger.minSamples();
            if (trigger.condition().relative() && !usable) {
                problems.add("trigger " + trigger.name() + " compares with a baseline, but the source's "
                        + trigger.metric().planName() + " over the last " + Durations.format(trigger.window())
                        + " rests on " + reading.samples() + " samples (min-samples " + trigger.minSamples() + "): "
                        + reading.detail() + "; it could never decide, so cut over when the application is busy enough");
            }
        }
        return problems;
    }

    /** Evaluates the triggers that are due; returns the first that fired, if one did. */
    public Optional<Fired> evaluateDue() {
        long now = System.nanoTime();
        Optional<Fired> fired = Optional.empty();
        for (Watched trigger : watched) {
            if (now - trigger.dueAt < 0) {
                continue;
            }
            TriggerSpec spec = trigger.evaluator.spec();
            trigger.dueAt = now + spec.interval().toNanos();
            Instant at = Instant.now();
            Evaluation evaluation = trigger.evaluator.evaluate(read(providers, spec, Side.TARGET, at), trigger.baseline, at);
            store.recordEvaluation(migrationId, new TriggerRecord(spec.name(), at, evaluation.verdict().name(),
                    evaluation.value(), evaluation.threshold(), evaluation.samples(), evaluation.consecutiveBreaches(),
                    evaluation.fired(), evaluation.reason()));
            if (evaluation.fired()) {
                store.append(migrationId, "trigger-fired", actor, JSON.createObjectNode().put("trigger", spec.name())
                        .put("action", spec.action().planValue()).put("reason", evaluation.reason())
                        .put("owner", spec.owner().orElse(""))
                        .put("deadlineMillis", spec.deadline().map(d -> d.toMillis()).orElse(0L)).toString());
                info.accept("Trigger " + spec.name() + " fired: " + evaluation.reason() + " -> " + spec.action().planValue());
                if (fired.isEmpty()) {
                    fired = Optional.of(new Fired(spec, evaluation, at));
                }
            } else if (evaluation.verdict() == Verdict.PASS && trigger.lastBreach != null) {
                // a streak of breaches that ended before it fired the trigger: a near-miss
                store.append(migrationId, "trigger-near-miss", actor, JSON.createObjectNode().put("trigger", spec.name())
                        .put("breachesInARow", trigger.lastBreach.consecutiveBreaches())
                        .put("consecutiveToFire", spec.consecutive())
                        .put("reason", trigger.lastBreach.reason()).toString());
            }
            if (evaluation.verdict() == Verdict.BREACH && !evaluation.fired()) {
                trigger.lastBreach = evaluation;
            } else if (evaluation.verdict() == Verdict.PASS || evaluation.fired()) {
                trigger.lastBreach = null;
            }
        }
        return fired;
    }

    private static MetricReading read(Function<TriggerSpec, MetricProvider> providers, TriggerSpec trigger, Side side,
                                      Instant at) {
        try {
            return providers.apply(trigger).read(trigger.query(side, at));
        } catch (RuntimeException e) {
            LOG.warn("reading {} for trigger {} failed", trigger.metric().planName(), trigger.name(), e);
            return MetricReading.none("the " + trigger.provider().planValue() + " provider could not be read: "
                    + e.getMessage());
        }
    }
}
