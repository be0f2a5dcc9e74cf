package dev.safeshift.cutover.hook;

import dev.safeshift.cutover.TrafficSwitch;
import dev.safeshift.cutover.TrafficSwitchProvider;
import dev.safeshift.plan.CutoverSettings;
import dev.safeshift.plan.Plan;

/** Registers the {@code command} switch; it runs a program, so it needs nothing core does not carry. */
public final class CommandSwitchProvider implements TrafficSwitchProvider {

    @Override
    public String kind() {
        return CutoverSettings.SwitchKind.COMMAND.planValue();
    }

    @Override
    public TrafficSwitch create(Plan plan) {
        return CommandSwitch.forPlan(plan);
    }
}
