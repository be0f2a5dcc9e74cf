package dev.safeshift.store;

/**
 * Where the application's traffic for a migration goes, as routers read it from the store. The
 * names are the stored values, which the routing DataSource in safeshift-jdbc reads too.
 */
public enum Route {
    /** Transactions go to the source. */
    SOURCE,
    /** New transactions are held; transactions already running finish where they are. */
    PAUSED,
    /** Transactions go to the target. */
    TARGET
}
