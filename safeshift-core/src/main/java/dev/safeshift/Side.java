package dev.safeshift;

/** One of the two databases of a migration. */
public enum Side {
    /** The database the tables move from. */
    SOURCE,
    /** The database the tables move to. */
    TARGET;

    /** The other database. */
    public Side other() {
        return this == SOURCE ? TARGET : SOURCE;
    }
}
