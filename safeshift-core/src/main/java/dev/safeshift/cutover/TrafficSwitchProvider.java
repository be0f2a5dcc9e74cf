package dev.safeshift.cutover;

import dev.safeshift.plan.Plan;

/**
 * Found with {@link java.util.ServiceLoader}: a switch that needs code core does not carry (a
 * database driver, say) registers one, and the switch of a plan is chosen by its
 * {@code cutover.switch}. The router switch lives in core and needs none; the command switch
 * lives in core too, and registers one like any other.
 */
public interface TrafficSwitchProvider {

    /** The {@code cutover.switch} value this provider serves, e.g. {@code pgbouncer}. */
    String kind();

    /** The switch for this plan, whose {@code cutover.switch} is {@link #kind()}. */
    TrafficSwitch create(Plan plan);
}
