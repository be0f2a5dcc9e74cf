package dev.safeshift.trigger;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What an inconclusive evaluation (no data, too few samples, no baseline) does to a trigger's count
 * of consecutive breaches (the plan's {@code on-inconclusive}). Either way it is counted and shown
 * as inconclusive; it is never taken for a pass.
 */
public enum OnInconclusive {
    /** Neither a pass nor a breach: the count of consecutive breaches is kept as it is. */
    WAIT,
    /** Counts as a breach: for a trigger that must fire when its figures stop arriving. */
    BREACH;

    /** The word a plan writes: {@code wait} or {@code breach}. */
    public String planValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Every plan value, in the order they are documented. */
    public static List<String> planValues() {
        return Arrays.stream(values()).map(OnInconclusive::planValue).toList();
    }

    /** The policy a plan's word stands for; the schema check has made sure it is one of them. */
    public static OnInconclusive ofPlanValue(String value) {
        return Arrays.stream(values()).filter(o -> o.planValue().equals(value)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("on-inconclusive is one of " + planValues() + ", not "
                        + value));
    }
}
