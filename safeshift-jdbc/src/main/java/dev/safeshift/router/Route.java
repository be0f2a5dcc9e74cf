package dev.safeshift.router;

/** Where a router sends new transactions. The names are the values the control store holds. */
public enum Route {
    /** New transactions go to the source database. */
    SOURCE,
    /** New transactions wait (up to a bound); transactions already running finish where they are. */
    PAUSED,
    /** New transactions go to the target database. */
    TARGET
}
