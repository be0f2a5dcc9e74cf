package dev.safeshift.trigger;

/** What one evaluation of a trigger found. */
public enum Verdict {
    /** The value was measured and does not meet the condition. */
    PASS,
    /** The value was measured and meets the condition. */
    BREACH,
    /**
     * Nothing can be said: no data, fewer samples than {@code min-samples}, or a relative condition
     * without a usable baseline. Counted and shown, never taken for a pass.
     */
    INCONCLUSIVE
}
