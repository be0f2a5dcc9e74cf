package dev.safeshift.postgres.review;

import dev.safeshift.check.Finding;
import dev.safeshift.postgres.check.StatementReview;
import dev.safeshift.postgres.check.trace.TracedStatement;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything {@code safeshift check} says about one statement.
 *
 * @param review   the static rules' view: locks, work and findings
 * @param effects  each effect with its estimated time at live size
 * @param findings the rules' findings plus those about the estimated lock time and any
 *                 disagreement with the trace
 * @param trace    what the server really did on a scratch copy, when {@code --trace} ran
 */
public record CheckedStatement(StatementReview review, List<EffectEstimate> effects, List<Finding> findings,
                               Optional<TracedStatement> trace) {

    public CheckedStatement {
        Objects.requireNonNull(review, "review");
        effects = List.copyOf(effects);
        findings = List.copyOf(findings);
        Objects.requireNonNull(trace, "trace");
    }
}
