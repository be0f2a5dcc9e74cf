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
 */
public record SafeStep(String sql, String purpose, Optional<QualifiedName> builtIndex) {

    public SafeStep {
        Objects.requireNonNull(sql, "sql");
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(builtIndex, "builtIndex");
    }

    static SafeStep of(String sql, String purpose) {
        return new SafeStep(sql, purpose, Optional.empty());
    }
}
