package dev.safeshift.postgres.check.trace;

import java.util.Optional;

/**
 * PostgreSQL's table-level lock modes in the order PostgreSQL numbers them (lockdefs.h), from
 * weakest to strongest, with the names {@code pg_locks.mode} uses. The order is the one the
 * documentation lists and the one people mean by "a stronger lock"; it is not a strict "conflicts
 * with more" order everywhere (SHARE does not conflict with itself, SHARE UPDATE EXCLUSIVE does), so
 * {@link #conflictsWith} answers the question of who waits for whom.
 */
public enum LockMode {
    ACCESS_SHARE("AccessShareLock"),
    ROW_SHARE("RowShareLock"),
    ROW_EXCLUSIVE("RowExclusiveLock"),
    SHARE_UPDATE_EXCLUSIVE("ShareUpdateExclusiveLock"),
    SHARE("ShareLock"),
    SHARE_ROW_EXCLUSIVE("ShareRowExclusiveLock"),
    EXCLUSIVE("ExclusiveLock"),
    ACCESS_EXCLUSIVE("AccessExclusiveLock");

    /**
     * Conflicts as in the documentation's table ("Conflicting Lock Modes"), one bit per mode by
     * ordinal; the table is symmetric.
     */
    private static final int[] CONFLICTS = {
        0b1000_0000, // ACCESS SHARE: ACCESS EXCLUSIVE
        0b1100_0000, // ROW SHARE: EXCLUSIVE, ACCESS EXCLUSIVE
        0b1111_0000, // ROW EXCLUSIVE: SHARE and stronger
        0b1111_1000, // SHARE UPDATE EXCLUSIVE: itself and stronger
        0b1110_1100, // SHARE: ROW EXCLUSIVE, SHARE UPDATE EXCLUSIVE, SHARE ROW EXCLUSIVE and stronger
        0b1111_1100, // SHARE ROW EXCLUSIVE: ROW EXCLUSIVE and stronger
        0b1111_1110, // EXCLUSIVE: ROW SHARE and stronger
        0b1111_1111, // ACCESS EXCLUSIVE: everything
    };

    private final String pgName;

    LockMode(String pgName) {
        this.pgName = pgName;
    }

    /** The name in {@code pg_locks.mode}, e.g. {@code AccessExclusiveLock}. */
    public String pgName() {
        return pgName;
    }

    /** The mode {@code pg_locks} calls {@code name}; empty for modes that are not table-level lock modes (SIReadLock). */
    public static Optional<LockMode> ofPgName(String name) {
        for (LockMode mode : values()) {
            if (mode.pgName.equals(name)) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }

    /** Whether a session holding this mode makes another asking for {@code other} on the same relation wait. */
    public boolean conflictsWith(LockMode other) {
        return (CONFLICTS[ordinal()] & (1 << other.ordinal())) != 0;
    }
}
