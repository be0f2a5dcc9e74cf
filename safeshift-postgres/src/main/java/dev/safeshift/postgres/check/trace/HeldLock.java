package dev.safeshift.postgres.check.trace;

import dev.safeshift.postgres.check.LockMode;
import java.util.Objects;

/**
 * A lock the traced statement's backend held when the statement had run, before its transaction
 * ended.
 *
 * @param relation the relation as SQL writes it, schema-qualified and quoted when needed
 *                 ({@code public.payments}, {@code "public"."Zahlungen ä"}, as
 *                 {@link dev.safeshift.plan.QualifiedName#toString()} writes names); a table's TOAST
 *                 table and its index are written {@code public.payments (toast)} and
 *                 {@code public.payments (toast index)}; a lock on a type (an enum, domain or
 *                 composite type, not a table's own row type) is written {@code type public.mood}
 * @param mode     the mode as {@code pg_locks.mode} names it, e.g. {@code AccessExclusiveLock}
 */
public record HeldLock(String relation, String mode) implements Comparable<HeldLock> {

    public HeldLock {
        Objects.requireNonNull(relation, "relation");
        Objects.requireNonNull(mode, "mode");
    }

    /** The mode as a {@link LockMode}; empty for a mode that is not a table-level lock mode. */
    public java.util.Optional<LockMode> lockMode() {
        return LockMode.ofPgName(mode);
    }

    /** By relation, then weakest mode first. */
    @Override
    public int compareTo(HeldLock other) {
        int byRelation = relation.compareTo(other.relation);
        if (byRelation != 0) {
            return byRelation;
        }
        int mine = lockMode().map(Enum::ordinal).orElse(-1);
        int theirs = other.lockMode().map(Enum::ordinal).orElse(-1);
        return mine != theirs ? Integer.compare(mine, theirs) : mode.compareTo(other.mode);
    }
}
