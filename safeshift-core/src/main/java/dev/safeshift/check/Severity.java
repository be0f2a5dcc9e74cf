package dev.safeshift.check;

import java.util.Locale;

/**
 * How much a finding matters, lowest first. {@code safeshift check --fail-on high} fails on
 * {@link #HIGH} and {@link #CRITICAL}.
 */
public enum Severity {
    /** Worth knowing; nothing to change. */
    INFO,
    /** A small risk or a habit to fix. */
    LOW,
    /** A real risk at production size, or a gap in the plan. */
    MEDIUM,
    /** Blocks the application's reads or writes for a long time, or loses data. */
    HIGH,
    /** Will break the application or lose data as written. */
    CRITICAL;

    /** The lower-case name used in output and on the command line. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a label such as {@code high}; throws {@link IllegalArgumentException} naming the choices. */
    public static Severity ofLabel(String label) {
        for (Severity severity : values()) {
            if (severity.label().equalsIgnoreCase(label.strip())) {
                return severity;
            }
        }
        throw new IllegalArgumentException("'" + label + "' is not a severity; use one of info, low, medium, high, critical");
    }
}
