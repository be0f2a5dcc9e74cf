package dev.safeshift.plan;

import java.util.Locale;

/**
 * What the daemon does when a fresh migration finds rows already in a target table (the plan's
 * {@code tables[].existing-rows}).
 */
public enum ExistingRows {
    /** Stop with a message that names the table; nothing is deleted. */
    REFUSE,
    /** Delete the rows first, then copy. */
    REPLACE;

    /** The word a plan writes for this value: {@code refuse} or {@code replace}. */
    public String planValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The value a plan's word stands for; the schema check has made sure it is one of them. */
    static ExistingRows ofPlanValue(String word) {
        for (ExistingRows value : values()) {
            if (value.planValue().equals(word)) {
                return value;
            }
        }
        throw new IllegalArgumentException("existing-rows is refuse or replace, not " + word);
    }
}
