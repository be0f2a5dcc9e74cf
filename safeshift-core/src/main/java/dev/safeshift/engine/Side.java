package dev.safeshift.engine;

/** One of a migration's two databases. */
public enum Side {
    /** The database the tables move from. */
    SOURCE,
    /** The database the tables move to. */
    TARGET;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
