package dev.safeshift.postgres.rehearse;

import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.postgres.Sql;
import dev.safeshift.postgres.TableCopy;
import dev.safeshift.postgres.check.cost.ReadSpeed;
import dev.safeshift.postgres.check.cost.SourceStatistics;
import dev.safeshift.postgres.check.cost.TableStatistics;
import dev.safeshift.postgres.check.trace.LockTracer;
import dev.safeshift.postgres.check.trace.ScratchDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One run of the change on one sample: a fresh scratch database with the tables' definitions,
 * filled with a sample of the staging rows, vacuumed and analysed as a production table is, set up
 * as the source is ({@link ServerSettings}), then each step run and timed on its own, as
 * {@code safeshift run} runs it. The database is dropped afterwards.
 */
final class ScratchRun {

    /** What one run measured. */
    record Result(Map<QualifiedName, Long> rows, List<Double> seconds, Optional<String> failure,
                  Map<QualifiedName, ReadSpeed> speeds) {
    }

    private final ScratchDatabases databases;
    private final ServerSettings settings;
    private final Map<QualifiedName, Integer> workers;
    private final Consumer<String> progress;

    ScratchRun(ScratchDatabases databases, ServerSettings settings, Map<QualifiedName, Integer> workers,
               Consumer<String> progress) {
        this.databases = databases;
        this.settings = settings;
        this.workers = workers;
        this.progress = progress;
    }

    /**
     * @param staging  where the rows come from
     * @param share    the share of the staging rows to take (1 for all of them)
     * @param measureSpeed whether to time a read of each sample, which the largest one is for
     */
    Result run(Endpoint staging, List<QualifiedName> tables, double share, long seed, List<PlannedStep> steps,
               boolean measureSpeed) throws SQLException {
        ScratchDatabase database = databases.create(tables);
        try {
            Map<QualifiedName, Long> rows = new LinkedHashMap<>();
            for (QualifiedName table : tables) {
                rows.put(table, TableCopy.copyRows(staging, database.endpoint(), table, sampleClause(share, seed)));
            }
            try (Connection connection = database.connect()) {
                LockTracer.refuseUnlessScratch(connection);
                Map<QualifiedName, ReadSpeed> speeds = prepare(connection, tables, measureSpeed);
                settings.applyTo(connection);
                List<Double> seconds = new ArrayList<>();
                for (PlannedStep step : steps) {
                    long started = System.nanoTime();
                    try (Statement statement = connection.createStatement()) {
                        statement.execute(step.sql());
                    } catch (SQLException e) {
                        return new Result(rows, seconds, Optional.of(step.place() + " failed on the sample: "
                                + LockTracer.message(e)), speeds);
                    }
                    seconds.add((System.nanoTime() - started) / 1e9);
                }
                return new Result(rows, seconds, Optional.empty(), speeds);
            }
        } finally {
            databases.drop(database);
        }
    }

    /** {@code TABLESAMPLE BERNOULLI}: each row on its own, so the sample keeps the table's key and value spread. */
    static String sampleClause(double share, long seed) {
        if (share >= 1) {
            return "";
        }
        return String.format(Locale.ROOT, "TABLESAMPLE BERNOULLI (%.9f) REPEATABLE (%d)", share * 100, seed);
    }

    /**
     * Leaves the sample as production tables usually are: vacuumed (hint bits set, visibility map
     * current) and analysed, with the index build workers production would get, and written out by a
     * checkpoint so that the first step does not pay for writing the load.
     */
    private Map<QualifiedName, ReadSpeed> prepare(Connection connection, List<QualifiedName> tables,
                                                  boolean measureSpeed) throws SQLException {
        Map<QualifiedName, ReadSpeed> speeds = new LinkedHashMap<>();
        try (Statement statement = connection.createStatement()) {
            for (QualifiedName table : tables) {
                statement.execute("ALTER TABLE " + Sql.table(table) + " SET (parallel_workers = "
                        + workers.getOrDefault(table, 0) + ")");
                statement.execute("VACUUM (ANALYZE) " + Sql.table(table));
            }
            try {
                statement.execute("CHECKPOINT");
            } catch (SQLException e) {
                progress.accept("  (no CHECKPOINT before the steps: " + LockTracer.message(e) + ")");
            }
        }
        if (measureSpeed) {
            SourceStatistics statistics = new SourceStatistics(connection);
            for (QualifiedName table : tables) {
                Optional<TableStatistics> size = statistics.sizeOf(table);
                if (size.isPresent()) {
                    statistics.fastestReadSpeed(size.get(), Rehearsal.READ_SAMPLES).ifPresent(speed -> speeds.put(table, speed));
                }
            }
        }
        return speeds;
    }
}
