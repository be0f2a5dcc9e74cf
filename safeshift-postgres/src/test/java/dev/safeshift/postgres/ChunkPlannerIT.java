package dev.safeshift.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safeshift.engine.KeyRange;
import dev.safeshift.engine.TableInfo;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.plan.TableSpec;
import dev.safeshift.testing.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkPlannerIT {

    @Test
    void exactChunksPartitionTheTableIntoEqualRowCounts() throws SQLException {
        Endpoint db = EmbeddedPostgres.newDatabase("chunks_exact");
        try (Connection connection = EmbeddedPostgres.connect(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE t (id bigint PRIMARY KEY, v text)");
            // skewed keys: dense at the start, sparse later
            statement.execute("INSERT INTO t SELECT CASE WHEN g <= 50000 THEN g ELSE g * 1000 END, 'x' FROM generate_series(1, 100000) g");
            statement.execute("ANALYZE t");
            List<Long> counts = plannedCounts(connection, 10_000);
            assertThat(counts.stream().mapToLong(Long::longValue).sum()).isEqualTo(100_000);
            assertThat(counts).hasSize(10).allSatisfy(c -> assertThat(c).isBetween(9_000L, 11_000L));
        }
    }

    @Test
    void sampledChunksOfALargeTableStillCoverEveryRowOnceAndRoughlyEvenly() throws SQLException {
        Endpoint db = EmbeddedPostgres.newDatabase("chunks_sampled");
        try (Connection connection = EmbeddedPostgres.connect(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE t (id bigint PRIMARY KEY, v text)");
            statement.execute("INSERT INTO t SELECT CASE WHEN g <= 100000 THEN g ELSE g * 1000 END, 'x' FROM generate_series(1, 200000) g");
            statement.execute("ANALYZE t");
            List<Long> counts = plannedCounts(connection, 20_000, 0);
            assertThat(counts.stream().mapToLong(Long::longValue).sum()).isEqualTo(200_000);
            assertThat(counts).hasSizeBetween(8, 10).allSatisfy(c -> assertThat(c).isBetween(4_000L, 45_000L));
        }
    }

    @Test
    void compositeAndTextKeysAreCoveredExactlyOnce() throws SQLException {
        Endpoint db = EmbeddedPostgres.newDatabase("chunks_composite");
        try (Connection connection = EmbeddedPostgres.connect(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE t (region text, id int, v text, PRIMARY KEY (region, id))");
            statement.execute("INSERT INTO t SELECT 'r''' || (g % 7), g, 'x' FROM generate_series(1, 30000) g");
            statement.execute("ANALYZE t");
            List<Long> counts = plannedCounts(connection, 3_000);
            assertThat(counts.stream().mapToLong(Long::longValue).sum()).isEqualTo(30_000);
            assertThat(counts.size()).isGreaterThanOrEqualTo(9);
        }
    }

    private static List<Long> plannedCounts(Connection connection, long rowsPerChunk) throws SQLException {
        return plannedCounts(connection, rowsPerChunk, ChunkPlanner.EXACT_LIMIT);
    }

    private static List<Long> plannedCounts(Connection connection, long rowsPerChunk, long exactLimit) throws SQLException {
        TableInfo table = PostgresCatalog.describeSource(connection,
                new TableSpec(new QualifiedName("public", "t"), new QualifiedName("public", "t"), List.of()));
        List<KeyRange> ranges = ChunkPlanner.plan(connection, table, rowsPerChunk, exactLimit);
        List<Long> counts = new ArrayList<>();
        try (Statement statement = connection.createStatement()) {
            for (KeyRange range : ranges) {
                try (ResultSet rows = statement.executeQuery(
                        "SELECT count(*) FROM public.t WHERE " + KeyRanges.condition(table, range))) {
                    rows.next();
                    counts.add(rows.getLong(1));
                }
            }
        }
        return counts;
    }
}
