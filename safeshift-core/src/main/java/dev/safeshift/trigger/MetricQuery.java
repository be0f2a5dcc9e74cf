package dev.safeshift.trigger;

import dev.safeshift.engine.Side;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What a trigger asks a {@link MetricProvider} for: one metric, on one side, over the stretch of
 * time from {@code from} (exclusive) to {@code to} (inclusive), so that windows laid end to end
 * count each observation once.
 *
 * @param metric  the metric's plan name, such as {@code error_rate}; a name rather than a {@link Metric}
 *                so that providers with metrics of their own can be asked the same way
 * @param pattern a filter on query patterns: a pattern matches when its id (16 hex characters) is the
 *                filter, or its normalized text contains the filter, ignoring case. Empty for every pattern
 * @param side    whose figures: the target after cutover, the source for the baseline before it
 * @param providerQuery the trigger's own query for providers that run one (SQL for {@code sql}, PromQL for
 *                {@code prometheus}), as the plan wrote it, placeholders included; empty for the others
 */
public record MetricQuery(String metric, Optional<String> pattern, Side side, Instant from, Instant to,
                          Optional<String> providerQuery) {

    public MetricQuery {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(side, "side");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("a metric window starts before it ends: " + from + " is not before " + to);
        }
        if (pattern.isPresent() && pattern.get().isBlank()) {
            throw new IllegalArgumentException("a pattern filter is not blank; leave it out to read every pattern");
        }
        Objects.requireNonNull(providerQuery, "providerQuery");
    }

    /** A query for a provider that runs no query of its own, such as the router. */
    public MetricQuery(String metric, Optional<String> pattern, Side side, Instant from, Instant to) {
        this(metric, pattern, side, from, to, Optional.empty());
    }

    /** How long the window is. */
    public Duration window() {
        return Duration.between(from, to);
    }

    /**
     * Whether a query pattern passes this query's filter. Providers that filter in their own query
     * language must match the same way.
     */
    public boolean matches(String patternId, String patternText) {
        if (pattern.isEmpty()) {
            return true;
        }
        String filter = pattern.get().toLowerCase(Locale.ROOT);
        return patternId.toLowerCase(Locale.ROOT).equals(filter)
                || patternText.toLowerCase(Locale.ROOT).contains(filter);
    }
}
