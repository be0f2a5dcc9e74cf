package dev.safeshift.trigger;

import dev.safeshift.SafeshiftException;
import dev.safeshift.plan.Plan;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The providers a plan's triggers read, one of each kind, opened when a trigger first asks for
 * it (so a plan without a {@code sql} trigger never connects for one) and closed together.
 */
public final class MetricProviders implements Function<TriggerSpec, MetricProvider>, AutoCloseable {

    private final Function<ProviderKind, MetricProvider> opener;
    private final Map<ProviderKind, MetricProvider> open = new EnumMap<>(ProviderKind.class);

    /** @param opener opens the provider of a kind; none of them connects before its first reading */
    public MetricProviders(Function<ProviderKind, MetricProvider> opener) {
        this.opener = Objects.requireNonNull(opener, "opener");
    }

    /** The providers of {@code plan}'s triggers for the migration {@code migrationId}. */
    public static MetricProviders forPlan(Plan plan, long migrationId) {
        Objects.requireNonNull(plan, "plan");
        return new MetricProviders(kind -> switch (kind) {
            case ROUTER -> RouterMetricProvider.open(plan.controlEndpoint(), plan.control().schema(), migrationId);
            case SQL -> SqlMetricProvider.open(plan.source(), plan.moveTarget());
            case PROMETHEUS -> PrometheusMetricProvider.open(plan.cutover().prometheus().orElseThrow(
                    () -> new SafeshiftException(SafeshiftException.Kind.BAD_PLAN, "a trigger reads provider prometheus,"
                            + " and the plan gives no cutover.prometheus.url to ask")));
            case LAG -> LagMetricProvider.open(plan.controlEndpoint(), plan.control().schema(), migrationId);
        });
    }

    /** The provider {@code trigger} reads. */
    @Override
    public synchronized MetricProvider apply(TriggerSpec trigger) {
        return open.computeIfAbsent(trigger.provider(), opener);
    }

    @Override
    public synchronized void close() {
        open.values().forEach(MetricProvider::close);
        open.clear();
    }
}
