package dev.safeshift.postgres.review;

import dev.safeshift.check.Finding;
import dev.safeshift.check.Severity;
import dev.safeshift.postgres.check.LockMode;
import dev.safeshift.postgres.check.TableEffect;
import dev.safeshift.postgres.check.Work;
import dev.safeshift.postgres.check.trace.TracedStatement;
import dev.safeshift.postgres.parse.ParsedStatement;
import java.util.List;
import java.util.Optional;

/**
 * Puts a statement's trace next to what the static rules said about each table. Where they
 * disagree the trace wins (it is what the server did) and a finding shows both, so a wrong rule is
 * seen rather than silently overruled.
 */
final class TraceComparison {

    static final String RULE = "trace-disagrees";

    private TraceComparison() {
    }

    /** The effect as traced: the traced lock and work where the trace saw the statement run. */
    static TableEffect traced(TableEffect effect, TracedStatement trace) {
        if (!trace.traced() || trace.error().isPresent()) {
            return effect;
        }
        String table = effect.table().toString();
        LockMode lock = trace.strongestLockOn(table).flatMap(LockMode::ofPgName).orElse(effect.lock());
        Work work = effect.work();
        if (trace.rewrote(table) && work != Work.REWRITE) {
            work = Work.REWRITE;
        } else if (!trace.rewrote(table) && work == Work.REWRITE) {
            work = trace.scannedTable(table) ? Work.FULL_SCAN : Work.CATALOG_ONLY;
        } else if (trace.scannedTable(table) && work == Work.CATALOG_ONLY) {
            work = Work.FULL_SCAN;
        }
        if (lock == effect.lock() && work == effect.work()) {
            return effect;
        }
        return new TableEffect(effect.table(), lock, work, effect.why() + " (the trace says " + lock.pgName() + ", "
                + work.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ")");
    }

    /** A finding for each table where the trace and the rules disagree. */
    static List<Finding> disagreements(ParsedStatement statement, TableEffect stated, TableEffect traced, int serverVersion) {
        if (stated.equals(traced)) {
            return List.of();
        }
        return List.of(Finding.of(RULE, Severity.MEDIUM, statement.place(),
                "on " + stated.table() + " the rules expect " + stated.lock().pgName() + " and "
                        + describe(stated.work()) + ", but on a scratch copy (server version " + serverVersion
                        + ") the statement took " + traced.lock().pgName() + " and did " + describe(traced.work())
                        + "; the traced facts are used",
                "report the disagreement: the rule may be wrong for this server version"));
    }

    private static String describe(Work work) {
        return work.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }

    /** One line for a statement the trace could not judge, so its absence is not read as agreement. */
    static Optional<Finding> notJudged(ParsedStatement statement, TracedStatement trace) {
        if (trace.error().isPresent()) {
            return Optional.of(Finding.of("trace-failed", Severity.LOW, statement.place(),
                    "the statement failed on the scratch copy, so the trace says nothing about it: " + trace.error().get(),
                    "check that the tables and objects it uses are in the plan's tables"));
        }
        return Optional.empty();
    }
}
