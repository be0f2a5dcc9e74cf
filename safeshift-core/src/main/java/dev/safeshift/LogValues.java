package dev.safeshift;

/**
 * Whether row values may appear in messages and logs. Rows are customer data, so by default
 * messages name tables, columns, constraints and error codes but never the values of a row; for
 * debugging, {@code --log-values} or {@code SAFESHIFT_LOG_VALUES=1} asks for them.
 */
public final class LogValues {

    /** The environment variable that asks for values, as {@code --log-values} does. */
    public static final String VARIABLE = "SAFESHIFT_LOG_VALUES";
    private static final String PROPERTY = "safeshift.logValues";

    private LogValues() {
    }

    public static boolean enabled() {
        return Boolean.getBoolean(PROPERTY) || isSet(System.getenv(VARIABLE));
    }

    /** Asks for values from here on, for the whole process. */
    public static void enable() {
        System.setProperty(PROPERTY, "true");
    }

    static boolean isSet(String value) {
        return value != null && (value.equals("1") || value.equalsIgnoreCase("true") || value.equalsIgnoreCase("yes"));
    }
}
