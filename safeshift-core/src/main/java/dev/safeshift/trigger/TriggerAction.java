package dev.safeshift.trigger;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** What happens when a trigger fires (the plan's {@code action}). */
public enum TriggerAction {
    /** Send the traffic back to the source, through the reverse stream, within the trigger's deadline. */
    ROLLBACK,
    /** Hold the cutover where it is until a person decides; nothing is switched back. */
    PAUSE,
    /** Tell the owners and record it; traffic is left where it is. */
    ALERT;

    /** The word a plan writes: {@code rollback}, {@code pause} or {@code alert}. */
    public String planValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Every plan value, in the order they are documented. */
    public static List<String> planValues() {
        return Arrays.stream(values()).map(TriggerAction::planValue).toList();
    }

    /** The action a plan's word stands for; the schema check has made sure it is one of them. */
    public static TriggerAction ofPlanValue(String value) {
        return Arrays.stream(values()).filter(a -> a.planValue().equals(value)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("an action is one of " + planValues() + ", not " + value));
    }
}
