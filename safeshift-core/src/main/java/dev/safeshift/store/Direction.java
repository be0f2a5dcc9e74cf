package dev.safeshift.store;

/** Which way a change stream of a migration carries changes. */
public enum Direction {
    /** Source to target: the stream that follows the backfill. */
    FORWARD,
    /** Target to source: started at cutover, it keeps the way back open until the migration completes. */
    REVERSE;

    /** As the control store writes it. */
    public String stored() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
