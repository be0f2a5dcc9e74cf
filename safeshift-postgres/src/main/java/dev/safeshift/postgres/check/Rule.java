package dev.safeshift.postgres.check;

import dev.safeshift.check.Severity;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One rule of the static lock rules: what docs/lock-rules.md lists for it and what its findings
 * cite. The lock and work are the ones the flagged statement takes and does, in words, because a
 * rule can cover several cases (e.g. "SHARE ROW EXCLUSIVE on both tables").
 *
 * @param id          stable kebab-case identifier, used by suppressions and the docs
 * @param severity    the severity of its findings
 * @param lock        the lock the flagged statement takes, or "none"
 * @param work        the work it does ({@link Work} names, or "none")
 * @param flags       what it flags, in one sentence
 * @param alternative the safe alternative, in one sentence (also each finding's advice)
 * @param reference   the PostgreSQL documentation section that states the lock or behaviour, as a Markdown link
 */
public record Rule(String id, Severity severity, String lock, String work, String flags, String alternative,
                   String reference) {

    private static final Pattern KEBAB = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

    public Rule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(lock, "lock");
        Objects.requireNonNull(work, "work");
        Objects.requireNonNull(flags, "flags");
        Objects.requireNonNull(alternative, "alternative");
        Objects.requireNonNull(reference, "reference");
        if (!KEBAB.matcher(id).matches()) {
            throw new IllegalArgumentException("a rule id is kebab-case: " + id);
        }
    }
}
