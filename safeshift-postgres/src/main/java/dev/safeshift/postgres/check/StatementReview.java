package dev.safeshift.postgres.check;

import dev.safeshift.check.Finding;
import dev.safeshift.postgres.parse.ParsedStatement;
import java.util.List;
import java.util.Objects;

/**
 * What the static rules say about one statement: the tables it locks and the work it does, and
 * the findings (risks and safer alternatives). A statement the rules do not know gets a finding
 * saying so, never an empty review that reads as "safe".
 */
public record StatementReview(ParsedStatement statement, List<TableEffect> effects, List<Finding> findings) {

    public StatementReview {
        Objects.requireNonNull(statement, "statement");
        effects = List.copyOf(effects);
        findings = List.copyOf(findings);
    }
}
