package dev.safeshift.trigger;

import dev.safeshift.engine.Side;
import dev.safeshift.plan.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One trigger of the plan's {@code cutover.triggers}: what is watched, when it counts as breached,
 * how many breaches in a row fire it, and what firing asks for.
 *
 * @param name           unique among the plan's triggers; names the trigger on the timeline and the dashboard
 * @param metric         what is watched
 * @param provider       where the metric's figures come from
 * @param providerQuery  the query the provider runs for this trigger (SQL for {@code sql}, PromQL for
 *                       {@code prometheus}); present exactly when the provider {@link ProviderKind#runsQuery() runs one}
 * @param pattern        only query patterns matching this are counted (see {@link MetricQuery#pattern()}); empty for all.
 *                       Only the router's figures have query patterns
 * @param condition      when a value is a breach; its unit is the metric's
 * @param interval       how often the trigger is evaluated
 * @param window         how far back each evaluation reads; at least {@code interval}, so no stretch of time is unread
 * @param minSamples     fewer samples than this (statement calls, for the router) make an evaluation inconclusive,
 *                       and so does a baseline resting on fewer
 * @param consecutive    how many breaches in a row fire the trigger
 * @param action         what firing asks for
 * @param owner          who answers for the trigger: a name from the plan's owners, or any text
 * @param deadline       how long the action may take to complete; required for {@link TriggerAction#ROLLBACK}
 * @param onInconclusive what an inconclusive evaluation does to the count of consecutive breaches
 */
public record TriggerSpec(
        String name,
        Metric metric,
        ProviderKind provider,
        Optional<String> providerQuery,
        Optional<String> pattern,
        Condition condition,
        Duration interval,
        Duration window,
        long minSamples,
        int consecutive,
        TriggerAction action,
        Optional<String> owner,
        Optional<Duration> deadline,
        OnInconclusive onInconclusive) {

    /** Trigger names are short and plain, because they name the trigger in messages, rows and URLs. */
    public static final String NAME_PATTERN = "[a-z][a-z0-9_-]{0,39}";
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);
    public static final int DEFAULT_CONSECUTIVE = 3;
    /** Routers report once a second, so a trigger evaluated more often would only re-read the same figures. */
    public static final Duration MINIMUM_INTERVAL = Duration.ofSeconds(1);
    /** More breaches in a row than this would leave a broken cutover running for too long to be a trigger. */
    public static final int MAXIMUM_CONSECUTIVE = 100;
    /** A rollback cannot be asked to finish in less time than it takes to notice and start it. */
    public static final Duration MINIMUM_DEADLINE = Duration.ofSeconds(1);
    /** Pattern filters match normalized SQL text; longer than this, a filter is more likely a pasted statement. */
    public static final int MAXIMUM_PATTERN_LENGTH = 1_000;
    /** A trigger's query is a single statement or expression; longer than this, it is more likely a pasted file. */
    public static final int MAXIMUM_QUERY_LENGTH = 10_000;

    public TriggerSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(providerQuery, "providerQuery");
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(onInconclusive, "onInconclusive");
        if (!name.matches(NAME_PATTERN)) {
            throw new IllegalArgumentException("a trigger name is lower-case letters, digits, _ or -, starting with a "
                    + "letter, at most 40 characters, not '" + name + "'");
        }
        if (!provider.metrics().contains(metric)) {
            throw new IllegalArgumentException("trigger " + name + ": provider " + provider.planValue() + " has no metric "
                    + metric.planName());
        }
        if (provider.runsQuery() && providerQuery.isEmpty()) {
            throw new IllegalArgumentException("trigger " + name + ": provider " + provider.planValue()
                    + " needs a query to run");
        }
        if (!provider.runsQuery() && providerQuery.isPresent()) {
            throw new IllegalArgumentException("trigger " + name + ": provider " + provider.planValue()
                    + " runs no query of the plan's");
        }
        if (providerQuery.isPresent() && (providerQuery.get().isBlank()
                || providerQuery.get().length() > MAXIMUM_QUERY_LENGTH)) {
            throw new IllegalArgumentException("trigger " + name + ": a query is between 1 and " + MAXIMUM_QUERY_LENGTH
                    + " characters and not blank");
        }
        if (pattern.isPresent() && provider != ProviderKind.ROUTER) {
            throw new IllegalArgumentException("trigger " + name + ": only the router's figures have query patterns to"
                    + " filter, and this trigger reads provider " + provider.planValue());
        }
        if (pattern.isPresent() && (pattern.get().isBlank() || pattern.get().length() > MAXIMUM_PATTERN_LENGTH)) {
            throw new IllegalArgumentException("trigger " + name + ": a pattern filter is between 1 and "
                    + MAXIMUM_PATTERN_LENGTH + " characters and not blank");
        }
        if (condition.unit() != metric.unit()) {
            throw new IllegalArgumentException("trigger " + name + ": condition " + condition + " is not in the unit of "
                    + metric.planName() + " (" + metric.unit().symbol() + ")");
        }
        if (interval.compareTo(MINIMUM_INTERVAL) < 0 || interval.compareTo(Durations.MAXIMUM) > 0) {
            throw new IllegalArgumentException("trigger " + name + ": the interval is between "
                    + Durations.format(MINIMUM_INTERVAL) + " and " + Durations.format(Durations.MAXIMUM) + ", not "
                    + Durations.format(interval));
        }
        if (window.compareTo(interval) < 0 || window.compareTo(Durations.MAXIMUM) > 0) {
            throw new IllegalArgumentException("trigger " + name + ": the window (" + Durations.format(window)
                    + ") is at least the interval (" + Durations.format(interval) + ") and at most "
                    + Durations.format(Durations.MAXIMUM));
        }
        if (minSamples < 1) {
            throw new IllegalArgumentException("trigger " + name + ": min-samples is at least 1, not " + minSamples);
        }
        if (consecutive < 1 || consecutive > MAXIMUM_CONSECUTIVE) {
            throw new IllegalArgumentException("trigger " + name + ": consecutive is between 1 and "
                    + MAXIMUM_CONSECUTIVE + ", not " + consecutive);
        }
        if (owner.isPresent() && owner.get().isBlank()) {
            throw new IllegalArgumentException("trigger " + name + ": an owner, when given, is not blank");
        }
        if (action == TriggerAction.ROLLBACK && deadline.isEmpty()) {
            throw new IllegalArgumentException("trigger " + name + ": a rollback trigger has a deadline");
        }
        if (deadline.isPresent() && (deadline.get().compareTo(MINIMUM_DEADLINE) < 0
                || deadline.get().compareTo(Durations.MAXIMUM) > 0)) {
            throw new IllegalArgumentException("trigger " + name + ": the deadline is between "
                    + Durations.format(MINIMUM_DEADLINE) + " and " + Durations.format(Durations.MAXIMUM) + ", not "
                    + Durations.format(deadline.get()));
        }
    }

    /** A trigger of a provider that runs no query of the plan's, such as the router. */
    public TriggerSpec(String name, Metric metric, ProviderKind provider, Optional<String> pattern, Condition condition,
                       Duration interval, Duration window, long minSamples, int consecutive, TriggerAction action,
                       Optional<String> owner, Optional<Duration> deadline, OnInconclusive onInconclusive) {
        this(name, metric, provider, Optional.empty(), pattern, condition, interval, window, minSamples, consecutive,
                action, owner, deadline, onInconclusive);
    }

    /**
     * A trigger with the plan's defaults for everything a plan may leave out: every query pattern,
     * the router, an interval of 10s over a window of 1m, 50 samples at least, 3 breaches in a row,
     * no owner, and inconclusive evaluations that wait.
     */
    public static TriggerSpec of(String name, Metric metric, Condition condition, TriggerAction action,
                                 Optional<Duration> deadline) {
        return new TriggerSpec(name, metric, ProviderKind.ROUTER, Optional.empty(), condition, DEFAULT_INTERVAL,
                DEFAULT_WINDOW, ProviderKind.ROUTER.defaultMinSamples(), DEFAULT_CONSECUTIVE, action, Optional.empty(), deadline,
                OnInconclusive.WAIT);
    }

    /** What an evaluation at {@code at} reads: the window that ends then, on {@code side}. */
    public MetricQuery query(Side side, Instant at) {
        return new MetricQuery(metric.planName(), pattern, side, at.minus(window), at, providerQuery);
    }

    /**
     * The trigger in one line, for checklists and status: {@code error_rate > 2% over 1m (router),
     * 3 breaches in a row: rollback within 5m}.
     */
    public String summary() {
        return metric.planName() + pattern.map(p -> " of '" + p + "'").orElse("") + " " + condition + " over "
                + Durations.format(window) + " (" + provider.planValue() + "), " + consecutive
                + (consecutive == 1 ? " breach" : " breaches in a row") + ": " + action.planValue()
                + deadline.map(d -> " within " + Durations.format(d)).orElse("");
    }
}
