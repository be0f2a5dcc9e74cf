package dev.safeshift.postgres.review;

import dev.safeshift.check.Finding;
import dev.safeshift.check.Severity;
import dev.safeshift.postgres.check.cost.ReadSpeed;
import dev.safeshift.postgres.check.cost.TableStatistics;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The result of {@code safeshift check}: each statement of the change, findings about the plan,
 * and the live figures the estimates rest on.
 *
 * @param tables the source tables the change touches, as the catalog sizes them now
 * @param speeds reading speed measured per table (absent for empty tables)
 * @param traceServer the version of the scratch server the trace ran on, when it ran
 */
public record ChangeReport(String plan, List<CheckedStatement> statements, List<Finding> planFindings,
                           Map<String, TableStatistics> tables, Map<String, ReadSpeed> speeds,
                           Optional<String> traceServer) {

    public ChangeReport {
        statements = List.copyOf(statements);
        planFindings = List.copyOf(planFindings);
        tables = Map.copyOf(tables);
        speeds = Map.copyOf(speeds);
    }

    public Stream<Finding> allFindings() {
        return Stream.concat(statements.stream().flatMap(s -> s.findings().stream()), planFindings.stream());
    }

    public long count(Severity severity) {
        return allFindings().filter(f -> f.severity() == severity).count();
    }

    /** Whether any finding is at {@code threshold} or above, which fails {@code check --fail-on}. */
    public boolean failsAt(Severity threshold) {
        return allFindings().anyMatch(f -> f.severity().compareTo(threshold) >= 0);
    }
}
