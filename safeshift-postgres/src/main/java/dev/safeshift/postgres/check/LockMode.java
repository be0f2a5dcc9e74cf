package dev.safeshift.postgres.check;

import java.util.Optional;

/**
 * PostgreSQL's table lock modes, weakest first, with what each one makes other sessions wait for
 * (the conflict table of the PostgreSQL documentation, "Explicit Locking").
 */
public enum LockMode {
    ACCESS_SHARE("AccessShareLock", "nothing but ALTER TABLE, DROP and other statements taking ACCESS EXCLUSIVE"),
    ROW_SHARE("RowShareLock", "only EXCLUSIVE and ACCESS EXCLUSIVE locks"),
    ROW_EXCLUSIVE("RowExclusiveLock", "CREATE INDEX (without CONCURRENTLY) and statements taking SHARE or stronger; "
            + "reads and writes go on"),
    SHARE_UPDATE_EXCLUSIVE("ShareUpdateExclusiveLock", "VACUUM, ANALYZE, CREATE INDEX CONCURRENTLY and other schema "
            + "changes; reads and writes go on"),
    SHARE("ShareLock", "INSERT, UPDATE, DELETE and MERGE; reads go on"),
    SHARE_ROW_EXCLUSIVE("ShareRowExclusiveLock", "INSERT, UPDATE, DELETE, MERGE and SELECT FOR UPDATE; plain reads go on"),
    EXCLUSIVE("ExclusiveLock", "all writes and SELECT FOR UPDATE/SHARE; plain reads go on"),
    ACCESS_EXCLUSIVE("AccessExclusiveLock", "everything, even plain SELECT");

    /** Which modes conflict, from the documentation's table; indexed by ordinal, row and column alike. */
    private static final boolean[][] CONFLICTS = {
            // AS     RS     RE     SUE    S      SRE    E      AE
            {false, false, false, false, false, false, false, true},   // ACCESS SHARE
            {false, false, false, false, false, false, true, true},    // ROW SHARE
            {false, false, false, false, true, true, true, true},      // ROW EXCLUSIVE
            {false, false, false, true, true, true, true, true},       // SHARE UPDATE EXCLUSIVE
            {false, false, true, true, false, true, true, true},       // SHARE
            {false, false, true, true, true, true, true, true},        // SHARE ROW EXCLUSIVE
            {false, true, true, true, true, true, true, true},         // EXCLUSIVE
            {true, true, true, true, true, true, true, true},          // ACCESS EXCLUSIVE
    };

    private final String pgName;
    private final String blocks;

    LockMode(String pgName, String blocks) {
        this.pgName = pgName;
        this.blocks = blocks;
    }

    /** The name {@code pg_locks.mode} shows, e.g. {@code AccessExclusiveLock}. */
    public String pgName() {
        return pgName;
    }

    /** What other sessions wait for while this lock is held, in words. */
    public String blocks() {
        return blocks;
    }

    public boolean conflictsWith(LockMode other) {
        return CONFLICTS[ordinal()][other.ordinal()];
    }

    /** Whether the application's ordinary writes (which take ROW EXCLUSIVE) wait for this lock. */
    public boolean blocksWrites() {
        return conflictsWith(ROW_EXCLUSIVE);
    }

    /** Whether the application's ordinary reads (which take ACCESS SHARE) wait for this lock. */
    public boolean blocksReads() {
        return conflictsWith(ACCESS_SHARE);
    }

    public static Optional<LockMode> ofPgName(String name) {
        for (LockMode mode : values()) {
            if (mode.pgName.equals(name)) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }
}
