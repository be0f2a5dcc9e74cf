package dev.safeshift.postgres.check.trace;

import dev.safeshift.postgres.check.LockMode;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What PostgreSQL did for one statement of a schema change on the scratch database.
 *
 * @param sql             the statement as given
 * @param traced          whether the statement ran inside a traced transaction, so that
 *                        {@code locks}, {@code rewritten} and {@code scanned} are what it did; false for
 *                        statements PostgreSQL runs only outside a transaction block (CREATE INDEX
 *                        CONCURRENTLY, VACUUM, ...) and for those the tracer refuses to run
 * @param notTracedReason why the statement was not traced, when it was not
 * @param locks           the relation locks (and locks on types) its backend held once it had run,
 *                        sorted; several modes on one relation are each listed. For a statement that
 *                        was not traced, the locks observed from another session while it waited, if
 *                        any (see the reason): what it held, or waited for, at that moment
 * @param rewritten       relations that got new storage (a new relfilenode): the table itself, its
 *                        indexes, {@code <table> (toast)} and {@code <table> (toast index)}, and
 *                        sequences; named as in {@link HeldLock#relation()}, sorted; empty (unknown) when
 *                        not traced
 * @param scanned         tables read by a sequential scan during the statement, as PostgreSQL counted
 *                        them in the transaction ({@code pg_stat_get_xact_numscans}): validating a
 *                        constraint, checking NOT NULL, rewriting, and building an index all scan
 *                        the table; sorted; empty (unknown) when not traced
 * @param error           the server's message when the statement failed (then nothing of it took
 *                        effect and later statements run without it)
 */
public record TracedStatement(String sql, boolean traced, Optional<String> notTracedReason, List<HeldLock> locks,
                              List<String> rewritten, List<String> scanned, Optional<String> error) {

    public TracedStatement {
        Objects.requireNonNull(sql, "sql");
        Objects.requireNonNull(notTracedReason, "notTracedReason");
        Objects.requireNonNull(error, "error");
        locks = locks.stream().sorted().toList();
        rewritten = rewritten.stream().sorted().toList();
        scanned = scanned.stream().sorted().toList();
        if (traced == notTracedReason.isPresent()) {
            throw new IllegalArgumentException("a statement is either traced or has a reason why not");
        }
    }

    /**
     * The strongest table-level lock mode the statement held on {@code relation} (written as in
     * {@link HeldLock#relation()}), by PostgreSQL's order of lock modes ({@link LockMode}); empty
     * when it held none there, or none was seen (a statement not traced, and not observed either).
     */
    public Optional<String> strongestLockOn(String relation) {
        return locks.stream()
                .filter(lock -> lock.relation().equals(relation))
                .flatMap(lock -> lock.lockMode().stream())
                .max(Comparator.naturalOrder())
                .map(LockMode::pgName);
    }

    /** Whether the statement gave {@code relation} new storage. */
    public boolean rewrote(String relation) {
        return rewritten.contains(relation);
    }

    /** Whether the statement read {@code table} by a sequential scan. */
    public boolean scannedTable(String table) {
        return scanned.contains(table);
    }
}
