package dev.safeshift.cutover;

import dev.safeshift.SafeshiftException;
import dev.safeshift.plan.Plan;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** Finds the {@link TrafficSwitchProvider} of a plan's {@code cutover.switch}. */
public final class TrafficSwitches {

    private TrafficSwitches() {
    }

    public static TrafficSwitch forPlan(Plan plan) {
        String kind = plan.cutover().trafficSwitch().planValue();
        ServiceLoader<TrafficSwitchProvider> providers = ServiceLoader.load(TrafficSwitchProvider.class);
        for (TrafficSwitchProvider provider : providers) {
            if (provider.kind().equals(kind)) {
                return provider.create(plan);
            }
        }
        String known = providers.stream().map(p -> p.get().kind()).collect(Collectors.joining(", "));
        throw new SafeshiftException(SafeshiftException.Kind.BAD_PLAN, "cutover.switch is " + kind + ", and no switch"
                + " of that kind is installed (installed: " + (known.isEmpty() ? "none" : known) + "). The " + kind
                + " switch comes with " + (kind.equals("pgbouncer") ? "safeshift-postgres" : "safeshift-core")
                + ", which must be on the class path.");
    }
}
