package dev.safeshift.postgres.rehearse;

import dev.safeshift.SafeshiftException;
import dev.safeshift.jdbc.Connections;
import dev.safeshift.plan.ApplySettings;
import dev.safeshift.plan.ChangeScript;
import dev.safeshift.plan.Durations;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.Plan;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.plan.TableSpec;
import dev.safeshift.postgres.TableCopy;
import dev.safeshift.postgres.check.ParsedRelations;
import dev.safeshift.postgres.check.PostgresSchemaFacts;
import dev.safeshift.postgres.check.SafeForms;
import dev.safeshift.postgres.check.SafeStep;
import dev.safeshift.postgres.check.StatementReview;
import dev.safeshift.postgres.check.StatementRules;
import dev.safeshift.postgres.check.TableEffect;
import dev.safeshift.postgres.check.cost.ReadSpeed;
import dev.safeshift.postgres.check.cost.SourceStatistics;
import dev.safeshift.postgres.check.cost.TableStatistics;
import dev.safeshift.postgres.check.trace.ScratchDatabase;
import dev.safeshift.postgres.parse.ParsedStatement;
import dev.safeshift.postgres.parse.ParserServer;
import dev.safeshift.postgres.parse.ParserTables;
import dev.safeshift.postgres.review.Seconds;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * {@code safeshift rehearse}: runs the plan's change on samples of the source tables on a scratch
 * server, at several sample sizes, and predicts from the times how long each step takes at the
 * tables' production size and how long it keeps the application's writes waiting; then holds that
 * against the plan's {@code apply} limits for a GO or NO-GO.
 *
 * <p>The rows are sampled once from the source into a staging database on the scratch server
 * ({@code TABLESAMPLE BERNOULLI} at the largest scale, one read of each table); every run takes its
 * share of those into a fresh database holding the tables' definitions, made by the move engine's
 * own steps. The source's tables are only read (the report goes to the control store, which for a
 * plan without a target is in the source database). Sampled rows are production data on the scratch server for
 * as long as the rehearsal runs: every database it creates there is dropped at the end.
 */
public final class Rehearsal {

    /**
     * How to rehearse.
     *
     * @param scratchServer the server to rehearse on; empty for an embedded PostgreSQL
     * @param scales        the sample sizes as shares of the rows, smallest first
     * @param repeats       runs per scale; the fastest time of each step counts
     * @param asWritten     run the statements as written instead of the online steps {@code run} applies
     */
    public record Options(Optional<Endpoint> scratchServer, List<Double> scales, int repeats, long seed,
                          boolean asWritten) {

        public Options {
            scales = List.copyOf(scales);
            if (scales.isEmpty() || scales.stream().anyMatch(s -> !(s > 0 && s <= 1))) {
                throw new IllegalArgumentException("sample sizes are shares above 0 and at most 1");
            }
            if (repeats < 1) {
                throw new IllegalArgumentException("repeats is at least 1");
            }
        }

        double largest() {
            return scales.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        }
    }

    /** Reads timed on each side for the reading difference; the fastest counts (see {@link SourceStatistics#fastestReadSpeed}). */
    static final int READ_SAMPLES = 3;

    private final Plan plan;
    private final Options options;
    private final Consumer<String> progress;
    private volatile ScratchDatabases databases;

    public Rehearsal(Plan plan, Options options, Consumer<String> progress) {
        this.plan = plan;
        this.options = options;
        this.progress = progress;
    }

    /**
     * Drops the scratch databases that exist right now, for a rehearsal being stopped (Ctrl-C,
     * SIGTERM): they hold rows sampled from production. Safe to call while {@link #run} goes on.
     */
    public void dropScratchDatabases() {
        ScratchDatabases current = databases;
        if (current != null) {
            current.dropAll().forEach(failure -> progress.accept("Could not drop the scratch database " + failure));
        }
    }

    public RehearsalReport run() throws SQLException {
        List<ChangeScript> scripts = plan.change().orElseThrow(() -> new IllegalArgumentException(
                "the plan has no change: to rehearse")).scripts();
        progress.accept("Starting the SQL parser (PostgreSQL's own, on a private server) ...");
        List<PlannedStep> steps;
        Map<QualifiedName, TableSample> production = new LinkedHashMap<>();
        ServerSettings settings;
        Map<QualifiedName, Integer> workers = new LinkedHashMap<>();
        try (ParserServer parser = ParserServer.start(); Connection source = Connections.open(plan.source(), "source")) {
            source.setReadOnly(true);
            ParserTables.define(parser, source, plan.tables().stream().map(TableSpec::source).toList());
            PostgresSchemaFacts facts = new PostgresSchemaFacts(source);
            steps = steps(parser, facts, scripts);
            settings = ServerSettings.of(source);
            SourceStatistics statistics = new SourceStatistics(source);
            for (QualifiedName table : tables(steps)) {
                Optional<TableStatistics> size = statistics.sizeOf(table);
                if (size.isEmpty()) {
                    continue; // made by the change itself: it starts empty on the scratch server as in production
                }
                if (size.get().rows().isEmpty()) {
                    throw new SafeshiftException(SafeshiftException.Kind.STATE, table + " has never been analysed, so "
                            + "its row count is unknown and nothing can be scaled to it; run ANALYZE " + table
                            + " on the source and rehearse again");
                }
                progress.accept("Measuring how fast the source reads " + table + " ...");
                Optional<ReadSpeed> speed = statistics.fastestReadSpeed(size.get(), READ_SAMPLES);
                workers.put(table, settings.indexBuildWorkers(size.get().heapBytes(),
                        ServerSettings.parallelWorkersOption(source, table)));
                production.put(table, new TableSample(table, size.get().rows().getAsLong(),
                        size.get().heapBytes() + size.get().toastBytes(), speed, Optional.empty(), workers.get(table),
                        List.of()));
            }
        }
        if (production.isEmpty()) {
            throw new SafeshiftException(SafeshiftException.Kind.BAD_PLAN, "the change touches no table the source "
                    + "has, so there is nothing to sample and scale; list the tables it changes under tables:");
        }
        if (options.scratchServer().isPresent()) {
            return rehearseOn(options.scratchServer().get(), steps, production, settings, workers);
        }
        progress.accept("Starting an embedded PostgreSQL to rehearse on (pass --scratch to rehearse on a server like "
                + "production: the prediction is only as good as the likeness) ...");
        try (EmbeddedPostgres server = EmbeddedPostgres.builder().start()) {
            return rehearseOn(Endpoint.of(server.getJdbcUrl("postgres", "postgres"), "postgres"), steps, production,
                    settings, workers);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start or stop the embedded PostgreSQL to rehearse on", e);
        }
    }

    private RehearsalReport rehearseOn(Endpoint scratch, List<PlannedStep> steps,
                                       Map<QualifiedName, TableSample> production, ServerSettings settings,
                                       Map<QualifiedName, Integer> workers) throws SQLException {
        List<QualifiedName> tables = new ArrayList<>(production.keySet());
        double largest = options.largest();
        progress.accept(String.format(Locale.ROOT, "Copying a %s sample of %d table(s) from the source to a staging "
                + "database on %s ...", percent(largest), tables.size(), scratch.redactedUrl()));
        List<String> leftovers = ScratchDatabase.leftovers(scratch, "rehearse");
        if (!leftovers.isEmpty()) {
            progress.accept("Note: " + leftovers.size() + " scratch database(s) of rehearsals that were killed are on "
                    + "the scratch server and may hold sampled rows; nobody is connected to them. Drop them: "
                    + leftovers.stream().map(name -> "DROP DATABASE " + name + ";").collect(Collectors.joining(" ")));
        }
        String version;
        Map<Double, List<ScratchRun.Result>> results = new LinkedHashMap<>();
        databases = new ScratchDatabases(plan.source(), scratch);
        ScratchDatabase staging = databases.create(tables);
        try {
            for (QualifiedName table : tables) {
                long rows = TableCopy.copyRows(plan.source(), staging.endpoint(), table,
                        ScratchRun.sampleClause(largest, options.seed()));
                progress.accept("  " + table + ": " + rows + " rows");
            }
            try (Connection connection = staging.connect()) {
                version = version(connection);
            }
            ScratchRun runner = new ScratchRun(databases, settings, workers, progress);
            for (double scale : options.scales()) {
                List<ScratchRun.Result> runs = new ArrayList<>();
                for (int repeat = 1; repeat <= options.repeats(); repeat++) {
                    progress.accept("Running the change on a " + percent(scale) + " sample (run " + repeat + " of "
                            + options.repeats() + ") ...");
                    ScratchRun.Result result = runner.run(staging.endpoint(), tables, scale / largest, options.seed(),
                            steps, scale == largest && repeat == 1);
                    result.failure().ifPresent(failure -> progress.accept("  " + failure));
                    runs.add(result);
                }
                results.put(scale, runs);
            }
        } finally {
            databases.drop(staging);
        }
        return report(version, steps, production, results);
    }

    private RehearsalReport report(String version, List<PlannedStep> steps, Map<QualifiedName, TableSample> production,
                                   Map<Double, List<ScratchRun.Result>> results) {
        Map<QualifiedName, TableSample> tables = new LinkedHashMap<>();
        for (TableSample table : production.values()) {
            List<Measurement> rows = new ArrayList<>();
            Optional<ReadSpeed> scratchSpeed = Optional.empty();
            for (Map.Entry<Double, List<ScratchRun.Result>> scale : results.entrySet()) {
                ScratchRun.Result first = scale.getValue().get(0);
                rows.add(new Measurement(scale.getKey(), first.rows().getOrDefault(table.table(), 0L), 0));
                for (ScratchRun.Result run : scale.getValue()) {
                    scratchSpeed = scratchSpeed.or(() -> Optional.ofNullable(run.speeds().get(table.table())));
                }
            }
            tables.put(table.table(), new TableSample(table.table(), table.productionRows(), table.productionBytes(),
                    table.productionSpeed(), scratchSpeed, table.parallelWorkers(), rows));
        }
        List<RehearsedStep> rehearsed = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            rehearsed.add(rehearsed(steps.get(i), i, tables, results));
        }
        Prediction total = rehearsed.stream().map(step -> step.prediction().orElse(new Prediction(0, 0, 0)))
                .reduce(new Prediction(0, 0, 0), Prediction::plus);
        List<String> reasons = verdictReasons(rehearsed, total);
        List<String> notes = new ArrayList<>();
        for (TableSample table : tables.values()) {
            if (table.productionSpeed().isEmpty() || table.scratchSpeed().isEmpty()) {
                // said, not guessed: without both speeds a scan's prediction lacks the slower production read
                notes.add("The reading difference is left out for " + table.table() + ": its read speed could not "
                        + "be measured on the " + (table.productionSpeed().isEmpty() ? "source" : "scratch server")
                        + " (no data pages); its scans may take longer than predicted.");
            }
        }
        notes.add("Lock waits are not rehearsed: a step also waits for its lock behind the application's longest "
                + "transaction on the table, and safeshift run bounds that wait with apply.max-write-wait.");
        return new RehearsalReport(plan.name(), Instant.now(), options.asWritten() ? "as written" : "online", version,
                options.scales(), options.repeats(), options.seed(), List.copyOf(tables.values()), rehearsed, total,
                reasons.isEmpty(), reasons, notes);
    }

    private static RehearsedStep rehearsed(PlannedStep step, int index, Map<QualifiedName, TableSample> tables,
                                           Map<Double, List<ScratchRun.Result>> results) {
        Optional<TableEffect> timed = step.timedEffect().or(() -> step.effects().stream().findFirst());
        QualifiedName table = timed.map(TableEffect::table).orElse(null);
        List<Measurement> measurements = new ArrayList<>();
        for (Map.Entry<Double, List<ScratchRun.Result>> scale : results.entrySet()) {
            double fastest = Double.MAX_VALUE;
            long rows = 0;
            for (ScratchRun.Result run : scale.getValue()) {
                if (run.failure().isPresent() && run.seconds().size() <= index) {
                    return new RehearsedStep(step, Optional.empty(), 0, Optional.empty(), Optional.of(
                            run.seconds().size() == index ? run.failure().get()
                                    : "not run: an earlier step failed (" + run.failure().get() + ")"));
                }
                fastest = Math.min(fastest, run.seconds().get(index));
                rows = table == null ? 0 : run.rows().getOrDefault(table, 0L);
            }
            measurements.add(new Measurement(scale.getKey(), rows, fastest));
        }
        CostFit fit = CostFit.of(step.growth(), measurements);
        TableSample sample = table == null ? null : tables.get(table);
        if (sample == null) {
            // a table the change creates: empty in production as on the samples
            CostFit constant = CostFit.of(Growth.CONSTANT, measurements);
            return new RehearsedStep(step, Optional.of(constant), 0, Optional.of(constant.predict(0, 0)), Optional.empty());
        }
        double read = step.growth() == Growth.CONSTANT ? 0
                : step.passes() * sample.productionBytes() * sample.slowerReadSecondsPerByte();
        return new RehearsedStep(step, Optional.of(fit), read, Optional.of(fit.predict(sample.productionRows(), read)),
                Optional.empty());
    }

    /** NO-GO when a step failed, a step keeps writes waiting longer than the plan allows, or the change outlasts the window. */
    private List<String> verdictReasons(List<RehearsedStep> steps, Prediction total) {
        ApplySettings apply = plan.change().orElseThrow().apply();
        double maxWait = apply.maxWriteWait().toMillis() / 1000.0;
        List<String> reasons = new ArrayList<>();
        for (RehearsedStep step : steps) {
            if (step.failure().isPresent()) {
                reasons.add(step.step().place() + ": " + step.failure().get());
                continue;
            }
            Optional<TableEffect> blocking = step.step().writeBlocking();
            Prediction blocked = step.prediction().orElseThrow();
            if (blocking.isPresent() && blocked.high() > maxWait) {
                reasons.add(step.step().place() + " holds " + blocking.get().lock().pgName() + " on "
                        + blocking.get().table() + " for " + Seconds.format(blocked.seconds()) + " (up to "
                        + Seconds.format(blocked.high()) + "), longer than apply.max-write-wait ("
                        + Durations.format(apply.maxWriteWait()) + "): the application's writes to it wait that long");
            }
        }
        apply.window().ifPresent(window -> {
            if (total.high() > window.toMillis() / 1000.0) {
                reasons.add("the whole change takes " + Seconds.format(total.seconds()) + " (up to "
                        + Seconds.format(total.high()) + "), longer than the maintenance window apply.window ("
                        + Durations.format(window) + ")");
            }
        });
        return reasons;
    }

    /** The steps to rehearse: each statement's online form, or the statements themselves. */
    private List<PlannedStep> steps(ParserServer parser, PostgresSchemaFacts facts, List<ChangeScript> scripts) {
        List<ParsedStatement> statements = new ArrayList<>();
        for (ChangeScript script : scripts) {
            statements.addAll(parser.parse(script.sql(), script.origin(), script.firstLine(), statements.size() + 1));
        }
        List<String> refusals = new ArrayList<>();
        List<Form> forms = new ArrayList<>();
        for (ParsedStatement statement : statements) {
            Optional<String> refusal = SafeForms.refusal(statement);
            if (refusal.isPresent()) {
                refusals.add(refusal.get());
                continue;
            }
            List<SafeStep> steps = options.asWritten()
                    ? List.of(new SafeStep(statement.sql(), "as written", Optional.empty(), Optional.empty()))
                    : SafeForms.of(statement, facts);
            for (int i = 0; i < steps.size(); i++) {
                forms.add(new Form(statement, i + 1, steps.size(), steps.get(i)));
            }
        }
        if (!refusals.isEmpty()) {
            throw new SafeshiftException(SafeshiftException.Kind.BAD_PLAN, "nothing was rehearsed, because:\n  - "
                    + String.join("\n  - ", refusals) + "\nsafeshift check " + plan.file() + " shows every finding.");
        }
        // Each step is parsed and reviewed as a statement of its own, so that the rules see exactly what runs.
        List<ParsedStatement> parsed = new ArrayList<>();
        for (Form form : forms) {
            List<ParsedStatement> one = parser.parse(form.step().sql(), form.statement().origin(),
                    form.statement().line(), parsed.size() + 1);
            if (one.size() != 1) {
                throw new IllegalStateException("a step of the online form parsed as " + one.size() + " statements: "
                        + form.step().sql());
            }
            parsed.addAll(one);
        }
        List<StatementReview> reviews = StatementRules.review(parsed, facts, ParsedRelations.of(parser));
        List<PlannedStep> steps = new ArrayList<>();
        for (int i = 0; i < forms.size(); i++) {
            Form form = forms.get(i);
            boolean concurrentIndex = parsed.get(i).tree().map(tree -> tree.is("INDEXSTMT") && tree.flag("concurrent"))
                    .orElse(false);
            // a step whose text the rules cannot judge (a DO block filling a column) says what it does itself
            List<TableEffect> effects = form.step().effect().map(List::of).orElse(reviews.get(i).effects());
            steps.add(new PlannedStep(form.statement(), form.number(), form.of(), form.step().sql(),
                    form.step().purpose(), effects, concurrentIndex ? 2 : 1));
        }
        return steps;
    }

    /** Step {@code number} of {@code of} of a statement's online form (or the statement as written). */
    private record Form(ParsedStatement statement, int number, int of, SafeStep step) {
    }

    private Set<QualifiedName> tables(List<PlannedStep> steps) {
        Set<QualifiedName> tables = new LinkedHashSet<>();
        plan.tables().forEach(table -> tables.add(table.source()));
        steps.forEach(step -> step.effects().forEach(effect -> tables.add(effect.table())));
        return tables;
    }

    private static String version(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT current_setting('server_version_num')::int")) {
            rows.next();
            int number = rows.getInt(1);
            return "PostgreSQL " + number / 10000 + "." + number % 10000;
        }
    }

    /** "0.1%" for 0.001. */
    public static String percent(double share) {
        String text = String.format(Locale.ROOT, "%.4f", share * 100).replaceAll("0+$", "").replaceAll("\\.$", "");
        return text + "%";
    }
}
