package dev.safeshift.postgres.review;

import dev.safeshift.check.Finding;
import dev.safeshift.check.PlanReview;
import dev.safeshift.check.Severity;
import dev.safeshift.check.TableSize;
import dev.safeshift.jdbc.Connections;
import dev.safeshift.plan.ChangeScript;
import dev.safeshift.plan.Plan;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.plan.TableSpec;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.postgres.check.ParsedRelations;
import dev.safeshift.postgres.check.PostgresSchemaFacts;
import dev.safeshift.postgres.check.StatementReview;
import dev.safeshift.postgres.check.StatementRules;
import dev.safeshift.postgres.check.TableEffect;
import dev.safeshift.postgres.check.Work;
import dev.safeshift.postgres.check.cost.Estimate;
import dev.safeshift.postgres.check.cost.ReadSpeed;
import dev.safeshift.postgres.check.cost.SourceStatistics;
import dev.safeshift.postgres.check.cost.StaticCostModel;
import dev.safeshift.postgres.check.cost.TableStatistics;
import dev.safeshift.postgres.check.trace.TraceReport;
import dev.safeshift.postgres.check.trace.TracedStatement;
import dev.safeshift.postgres.parse.ParsedStatement;
import dev.safeshift.postgres.parse.ParserServer;
import dev.safeshift.postgres.parse.ParserTables;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code safeshift check}: parses the plan's change with PostgreSQL's parser, reviews each
 * statement with the lock rules against the live schema, sizes the tables it touches and measures
 * how fast the source reads them, and turns that into the time each lock is held. Nothing is
 * changed on the source; the only reads of table data are the bounded speed samples.
 */
public final class ChangeCheck {

    /** Writes blocked this long make a change worth a second look, and this long an outage. */
    static final double NOTICEABLE_SECONDS = 1;
    static final double OUTAGE_SECONDS = 10;

    private final Plan plan;
    private final Optional<Tracing> tracing;
    private final List<String> rehearsedStatements;
    private final Consumer<String> progress;

    /**
     * @param tracing  whether to trace the statements on a scratch copy, and where
     * @param progress told what is happening, for a terminal
     */
    public ChangeCheck(Plan plan, Optional<Tracing> tracing, Consumer<String> progress) {
        this(plan, tracing, List.of(), progress);
    }

    /**
     * @param rehearsedStatements the statements of the change's latest rehearsal: when they are this
     *                            change's, its large tables are not reported as never rehearsed
     */
    public ChangeCheck(Plan plan, Optional<Tracing> tracing, List<String> rehearsedStatements,
                       Consumer<String> progress) {
        this.plan = plan;
        this.tracing = tracing;
        this.rehearsedStatements = List.copyOf(rehearsedStatements);
        this.progress = progress;
    }

    /**
     * Tracing on a scratch server: the given one (a PostgreSQL server where Safeshift may create
     * and drop a database), or an embedded one when empty.
     */
    public record Tracing(Optional<Endpoint> scratchServer) {
    }

    public ChangeReport run() throws SQLException {
        List<ChangeScript> scripts = plan.change().orElseThrow(() -> new IllegalArgumentException(
                "the plan has no change: to review")).scripts();
        progress.accept("Starting the SQL parser (PostgreSQL's own, on a private server) ...");
        try (ParserServer parser = ParserServer.start();
             Connection source = Connections.open(plan.source(), "source")) {
            source.setReadOnly(true);
            ParserTables.define(parser, source, plan.tables().stream().map(TableSpec::source).toList());
            List<ParsedStatement> statements = new ArrayList<>();
            for (ChangeScript script : scripts) {
                statements.addAll(parser.parse(script.sql(), script.origin(), script.firstLine(), statements.size() + 1));
            }
            progress.accept("Parsed " + statements.size() + " statement(s); reviewing them against the source's schema ...");
            List<StatementReview> reviews = StatementRules.review(statements, new PostgresSchemaFacts(source),
                    ParsedRelations.of(parser));

            SourceStatistics statistics = new SourceStatistics(source);
            Map<QualifiedName, TableStatistics> sizes = sizes(statistics, reviews);
            Map<QualifiedName, ReadSpeed> speeds = speeds(statistics, reviews, sizes);
            // Only tables the source has are copied; one the change creates is created by the trace itself.
            Optional<TraceReport> trace = tracing.isEmpty() ? Optional.empty()
                    : Optional.of(new Tracer(plan, tracing.get(), progress).trace(statements, sizes.keySet()));
            List<CheckedStatement> checked = new ArrayList<>();
            for (int i = 0; i < reviews.size(); i++) {
                int index = i;
                Optional<TracedStatement> traced = trace.map(report -> report.statements().get(index));
                checked.add(check(reviews.get(i), traced, trace.map(TraceReport::serverVersionNum).orElse(0), sizes, speeds));
            }
            boolean rehearsed = !rehearsedStatements.isEmpty()
                    && rehearsedStatements.equals(statements.stream().map(ParsedStatement::sql).toList());
            List<Finding> planFindings = PlanReview.review(plan, tableSizes(sizes), rehearsed);
            return new ChangeReport(plan.name(), checked, planFindings, byName(sizes), byName(speeds),
                    trace.map(report -> Tracer.versionText(report.serverVersionNum())));
        }
    }

    private Set<QualifiedName> tablesOf(List<StatementReview> reviews) {
        Set<QualifiedName> tables = new LinkedHashSet<>();
        plan.tables().forEach(table -> tables.add(table.source()));
        reviews.forEach(review -> review.effects().forEach(effect -> tables.add(effect.table())));
        return tables;
    }

    private Map<QualifiedName, TableStatistics> sizes(SourceStatistics statistics, List<StatementReview> reviews)
            throws SQLException {
        Set<QualifiedName> tables = tablesOf(reviews);
        Map<QualifiedName, TableStatistics> sizes = new LinkedHashMap<>();
        for (QualifiedName table : tables) {
            // A table the change itself creates is not on the source yet; it has no size to estimate with.
            statistics.sizeOf(table).ifPresent(size -> sizes.put(table, size));
        }
        return sizes;
    }

    /** Speed is measured only for tables whose work depends on their size. */
    private Map<QualifiedName, ReadSpeed> speeds(SourceStatistics statistics, List<StatementReview> reviews,
                                                 Map<QualifiedName, TableStatistics> sizes) throws SQLException {
        Map<QualifiedName, ReadSpeed> speeds = new LinkedHashMap<>();
        for (StatementReview review : reviews) {
            for (TableEffect effect : review.effects()) {
                TableStatistics size = sizes.get(effect.table());
                if (effect.work() == Work.CATALOG_ONLY || size == null || speeds.containsKey(effect.table())) {
                    continue;
                }
                progress.accept("Measuring how fast the source reads " + effect.table() + " ...");
                statistics.readSpeed(size).ifPresent(speed -> speeds.put(effect.table(), speed));
            }
        }
        return speeds;
    }

    private static CheckedStatement check(StatementReview review, Optional<TracedStatement> trace, int traceVersion,
                                          Map<QualifiedName, TableStatistics> sizes, Map<QualifiedName, ReadSpeed> speeds) {
        List<EffectEstimate> effects = new ArrayList<>();
        List<Finding> findings = new ArrayList<>(review.findings());
        trace.flatMap(t -> TraceComparison.notJudged(review.statement(), t)).ifPresent(findings::add);
        for (TableEffect stated : review.effects()) {
            TableEffect effect = trace.map(t -> TraceComparison.traced(stated, t)).orElse(stated);
            findings.addAll(TraceComparison.disagreements(review.statement(), stated, effect, traceVersion));
            TableStatistics size = sizes.get(effect.table());
            Optional<Estimate> estimate = size == null ? Optional.empty()
                    : StaticCostModel.estimate(effect.work(), size, Optional.ofNullable(speeds.get(effect.table())));
            EffectEstimate estimated = new EffectEstimate(effect, estimate);
            effects.add(estimated);
            lockTimeFinding(review.statement(), estimated).ifPresent(findings::add);
        }
        return new CheckedStatement(review, effects, findings, trace);
    }

    /** The finding that turns a lock into time: how long the application's writes wait at today's size. */
    static Optional<Finding> lockTimeFinding(ParsedStatement statement, EffectEstimate effect) {
        double seconds = effect.writesBlockedSeconds();
        if (seconds < NOTICEABLE_SECONDS) {
            return Optional.empty();
        }
        TableEffect what = effect.effect();
        Estimate estimate = effect.estimate().orElseThrow();
        String waiting = what.lock().blocksReads() ? "reads and writes" : "writes";
        return Optional.of(Finding.of("lock-held-long", seconds >= OUTAGE_SECONDS ? Severity.HIGH : Severity.MEDIUM,
                statement.place(),
                waiting + " to " + what.table() + " wait about " + Seconds.format(seconds) + " (between "
                        + Seconds.format(estimate.low()) + " and " + Seconds.format(estimate.high()) + ") while "
                        + what.lock().pgName() + " is held for " + describe(what.work()) + " (" + estimate.basis() + ")",
                "use the statement's online form (see the other findings), or run it in a maintenance window "
                        + "of at least " + Seconds.format(estimate.high())));
    }

    private static String describe(Work work) {
        return switch (work) {
            case FULL_SCAN -> "a full scan";
            case REWRITE -> "a rewrite of the table and its indexes";
            case INDEX_BUILD -> "an index build";
            case ROW_WRITES -> "writing every affected row";
            case CATALOG_ONLY -> "a catalog change";
        };
    }

    private static Map<QualifiedName, TableSize> tableSizes(Map<QualifiedName, TableStatistics> sizes) {
        Map<QualifiedName, TableSize> result = new LinkedHashMap<>();
        sizes.forEach((name, size) -> result.put(name, new TableSize(size.rows().orElse(0), size.totalBytes())));
        return result;
    }

    private static <V> Map<String, V> byName(Map<QualifiedName, V> values) {
        Map<String, V> result = new LinkedHashMap<>();
        values.forEach((name, value) -> result.put(name.toString(), value));
        return result;
    }
}
