package dev.safeshift.postgres.pgbouncer;

import dev.safeshift.cutover.TrafficSwitch;
import dev.safeshift.cutover.TrafficSwitchProvider;
import dev.safeshift.plan.CutoverSettings;
import dev.safeshift.plan.Plan;

/** Registers the {@code pgbouncer} switch, which needs the PostgreSQL driver to talk to PgBouncer's admin console. */
public final class PgBouncerSwitchProvider implements TrafficSwitchProvider {

    @Override
    public String kind() {
        return CutoverSettings.SwitchKind.PGBOUNCER.planValue();
    }

    @Override
    public TrafficSwitch create(Plan plan) {
        return new PgBouncerSwitch(plan.cutover().pgbouncer().orElseThrow(() -> new IllegalStateException(
                "cutover.switch is pgbouncer but the plan has no cutover.pgbouncer")), plan.source(), plan.moveTarget());
    }
}
