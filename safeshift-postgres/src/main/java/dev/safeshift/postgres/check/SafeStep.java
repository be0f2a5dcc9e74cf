package dev.safeshift.postgres.check;

import dev.safeshift.plan.QualifiedName;
import java.util.Objects;
import java.util.Optional;

/**
 * One statement Safeshift runs to apply part of a change online.
 *
 * @param sql          the statement to run, on its own (autocommit), with a lock timeout
 * @param purpose      what it does, for the timeline and the terminal
 * @param builtIndex   the index a {@code CREATE INDEX CONCURRENTLY} step builds: an attempt that
 *                     failed leaves it behind invalid, and it is dropped before the next attempt
 * @param appliedState the SQLSTATE the step fails with when it already took effect (a constraint
 *                     that exists, one already dropped), which a run resuming after a crash in the
 *                     middle of the step may take as done; empty for steps that are safe to repeat
 *                     and for statements run as written, whose effect Safeshift cannot judge
 * @param effect       what the step does to its table, when the lock rules cannot tell from its text
 *                     (a {@code DO} block that fills a column in batches); empty when they can
 */
public record SafeStep(String sql, String purpose, Optional<QualifiedName> builtIndex, Optional<String> appliedState,
                       Optional<TableEffect> effect) {

    /** PostgreSQL's SQLSTATEs for "already exists" (object, relation) and "does not exist" (object). */
    static final String DUPLICATE_OBJECT = "42710";
    static final String DUPLICATE_TABLE = "42P07";
    static final String UNDEFINED_OBJECT = "42704";
    static final String DUPLICATE_COLUMN = "42701";

    public SafeStep {
        Objects.requireNonNull(sql, "sql");
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(builtIndex, "builtIndex");
        Objects.requireNonNull(appliedState, "appliedState");
        Objects.requireNonNull(effect, "effect");
    }

    public SafeStep(String sql, String purpose, Optional<QualifiedName> builtIndex, Optional<String> appliedState) {
        this(sql, purpose, builtIndex, appliedState, Optional.empty());
    }

    /** The statement on one line for a terminal: of a block of many lines (a DO block), its first line and their count. */
    public static String shortSql(String sql) {
        String text = sql.strip();
        long lines = text.lines().count();
        return lines > 1 ? text.lines().findFirst().orElse("") + " ... (" + lines + " lines)" : text;
    }

    static SafeStep of(String sql, String purpose) {
        return new SafeStep(sql, purpose, Optional.empty(), Optional.empty());
    }

    static SafeStep appliedWhen(String state, String sql, String purpose) {
        return new SafeStep(sql, purpose, Optional.empty(), Optional.of(state));
    }
}
