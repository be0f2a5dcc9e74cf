package dev.safeshift.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.safeshift.engine.CaptureStart;
import dev.safeshift.engine.ChangeStream;
import dev.safeshift.engine.ChunkMark;
import dev.safeshift.engine.KeyRange;
import dev.safeshift.engine.TableMove;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.plan.TableSpec;
import dev.safeshift.testing.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A source and a target database and the engine between them, for moving tables step by step the
 * way the daemon does: describe, prepare the target, capture and copy, stream. Closing drops the
 * test's replication slots and the engine.
 */
final class MoveFixture implements AutoCloseable {

    final Endpoint source;
    final Endpoint target;
    final PostgresEngine engine;
    final String capture;

    MoveFixture(String prefix) {
        this.source = EmbeddedPostgres.newDatabase(prefix + "_src");
        this.target = EmbeddedPostgres.newDatabase(prefix + "_tgt");
        this.engine = new PostgresEngine(source, target);
        this.capture = "safeshift_" + prefix;
    }

    void source(String... statements) {
        run(source, statements);
    }

    void target(String... statements) {
        run(target, statements);
    }

    static void run(Endpoint endpoint, String... statements) {
        try (Connection connection = EmbeddedPostgres.connect(endpoint); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The table as the engine describes it, moved to the same name on the target. */
    TableMove describe(QualifiedName name) {
        return describe(name, name, List.of());
    }

    TableMove describe(QualifiedName name, QualifiedName targetName, List<String> columns) {
        return new TableMove(engine.describeSource(new TableSpec(name, targetName, columns)), targetName);
    }

    /** As the daemon's fresh start: target tables, capture and snapshot, every chunk copied. */
    void backfill(List<TableMove> moves, long rowsPerChunk) {
        moves.forEach(move -> engine.prepareTarget(move, true, false));
        try (CaptureStart start = engine.startCapture(capture, moves)) {
            for (TableMove move : moves) {
                int chunkNo = 0;
                for (KeyRange range : engine.planChunks(move, start.snapshot(), rowsPerChunk)) {
                    engine.copyChunk(move, range, start.snapshot(), new ChunkMark(capture, move.key(), chunkNo++),
                            rows -> { });
                }
            }
        }
        moves.forEach(move -> engine.finishTarget(move, 2));
    }

    ChangeStream stream(List<TableMove> moves) {
        ChangeStream stream = engine.openStream(capture, moves);
        stream.start();
        return stream;
    }

    /** Waits until the target table holds the source table's rows, failing early if the stream died. */
    void awaitIdentical(ChangeStream stream, String sourceTable, String targetTable, String orderBy) {
        List<String> expected = rows(source, sourceTable, orderBy);
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .failFast("the change stream stopped", () -> stream.failure().isPresent())
                .untilAsserted(() -> assertThat(firstDifference(expected, rows(target, targetTable, orderBy))).isEmpty());
    }

    /** Every row as PostgreSQL prints it, in the given order. */
    static List<String> rows(Endpoint endpoint, String table, String orderBy) {
        return strings(endpoint, "SELECT whole_row::text FROM " + table + " whole_row ORDER BY " + orderBy);
    }

    static List<String> strings(Endpoint endpoint, String sql) {
        List<String> values = new ArrayList<>();
        try (Connection connection = EmbeddedPostgres.connect(endpoint); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                values.add(result.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return values;
    }

    static String text(Endpoint endpoint, String sql) {
        List<String> values = strings(endpoint, sql);
        return values.isEmpty() ? null : values.get(0);
    }

    static java.util.Optional<String> firstDifference(List<String> expected, List<String> actual) {
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            if (!expected.get(i).equals(actual.get(i))) {
                return java.util.Optional.of("row " + i + ": expected\n" + shorten(expected.get(i)) + "\nbut was\n"
                        + shorten(actual.get(i)));
            }
        }
        return expected.size() == actual.size() ? java.util.Optional.empty()
                : java.util.Optional.of("expected " + expected.size() + " rows but found " + actual.size());
    }

    private static String shorten(String row) {
        return row.length() <= 3000 ? row : row.substring(0, 1400) + " ... " + row.substring(row.length() - 1400);
    }

    @Override
    public void close() {
        source("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                + "WHERE NOT active AND database = current_database()");
        engine.close();
    }
}
