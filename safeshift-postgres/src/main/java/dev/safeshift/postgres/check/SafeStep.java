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
 */
public record SafeStep(String sql, String purpose, Optional<QualifiedName> builtIndex, Optional<String> appliedState) {

    /** PostgreSQL's SQLSTATEs for "already exists" (object, relation) and "does not exist" (object). */
    static final String DUPLICATE_OBJECT = "42710";
    static final String DUPLICATE_TABLE = "42P07";
    static final String UNDEFINED_OBJECT = "42704";

    public SafeStep {
        Objects.requireNonNull(sql, "sql");
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(builtIndex, "builtIndex");
        Objects.requireNonNull(appliedState, "appliedState");
    }

    static SafeStep of(String sql, String purpose) {
        return new SafeStep(sql, purpose, Optional.empty(), Optional.empty());
    }

    static SafeStep appliedWhen(String state, String sql, String purpose) {
        return new SafeStep(sql, purpose, Optional.empty(), Optional.of(state));
    }
}
