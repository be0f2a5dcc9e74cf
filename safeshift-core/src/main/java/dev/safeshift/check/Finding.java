package dev.safeshift.check;

import java.util.Objects;
import java.util.Optional;

/**
 * One thing {@code safeshift check} found: a statement that takes a strong lock or rewrites a
 * table, a destructive change, or a gap in the plan.
 *
 * @param rule     a stable identifier, such as {@code constraint-check-validates}, that docs and
 *                 suppressions refer to
 * @param severity how much it matters
 * @param subject  what it is about: a statement ("statement 3, line 12"), a table or a plan field
 * @param message  what happens, in words a reviewer understands
 * @param advice   the safe alternative, when there is one
 */
public record Finding(String rule, Severity severity, String subject, String message, Optional<String> advice) {

    public Finding {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(advice, "advice");
    }

    public static Finding of(String rule, Severity severity, String subject, String message, String advice) {
        return new Finding(rule, severity, subject, message, Optional.ofNullable(advice));
    }
}
