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
        try (Connection connection = tableT("chunks_exact", "CREATE TABLE t (id bigint PRIMARY KEY, v text)",
                // skewed keys: dense at the start, sparse later
                "INSERT INTO t SELECT CASE WHEN g <= 50000 THEN g ELSE g * 1000 END, 'x' FROM generate_series(1, 100000) g")) {
            List<Long> counts = plannedCounts(connection, 10_000);
            assertThat(sum(counts)).isEqualTo(100_000);
            assertThat(counts).hasSize(10).allSatisfy(c -> assertThat(c).isBetween(9_000L, 11_000L));
        }
    }

    @Test
    void statisticsTakenWhenTheTableWasSmallDoNotMakeItLookSmall() throws SQLException {
        // analyzed at 2,000 rows, then grown fiftyfold with no new statistics
        try (Connection connection = tableT("chunks_stale", "CREATE TABLE t (id bigint PRIMARY KEY, v text)"
                        + " WITH (autovacuum_enabled = false)",
                "INSERT INTO t SELECT g, 'x' FROM generate_series(1, 2000) g")) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO t SELECT g, 'x' FROM generate_series(2001, 100000) g");
                try (ResultSet rows = statement.executeQuery("SELECT reltuples FROM pg_class WHERE relname = 't'")) {
                    rows.next();
                    assertThat(rows.getLong(1)).as("the statistics are stale").isEqualTo(2_000);
                }
            }
            assertThat(table(connection).estimatedRows()).as("rows now").isBetween(80_000L, 120_000L);

            List<Long> counts = plannedCounts(connection, 10_000);
            assertThat(sum(counts)).isEqualTo(100_000);
            assertThat(counts).hasSizeBetween(9, 11);
        }
    }

    @Test
    void aTableWithoutStatisticsIsCountedNotTakenForEmpty() throws SQLException {
        Endpoint db = EmbeddedPostgres.newDatabase("chunks_unanalyzed");
        try (Connection connection = EmbeddedPostgres.connect(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE t (id bigint PRIMARY KEY, v text) WITH (autovacuum_enabled = false)");
            statement.execute("INSERT INTO t SELECT g, 'x' FROM generate_series(1, 30000) g");

            assertThat(table(connection).estimatedRows()).as("unknown, not zero").isEqualTo(-1);
            List<Long> counts = plannedCounts(connection, 3_000);
            assertThat(sum(counts)).isEqualTo(30_000);
            assertThat(counts).hasSize(10);
        }
    }

    @Test
    void sampledChunksOfALargeTableStillCoverEveryRowOnceAndRoughlyEvenly() throws SQLException {
        try (Connection connection = tableT("chunks_sampled", "CREATE TABLE t (id bigint PRIMARY KEY, v text)",
                "INSERT INTO t SELECT CASE WHEN g <= 100000 THEN g ELSE g * 1000 END, 'x' FROM generate_series(1, 200000) g")) {
            List<Long> counts = plannedCounts(connection, 20_000, 0);
            assertThat(sum(counts)).isEqualTo(200_000);
            assertThat(counts).hasSizeBetween(8, 10).allSatisfy(c -> assertThat(c).isBetween(4_000L, 45_000L));
        }
    }

    @Test
    void compositeAndTextKeysAreCoveredExactlyOnce() throws SQLException {
        try (Connection connection = tableT("chunks_composite",
                "CREATE TABLE t (region text, id int, v text, PRIMARY KEY (region, id))",
                "INSERT INTO t SELECT 'r''' || (g % 7), g, 'x' FROM generate_series(1, 30000) g")) {
            List<Long> counts = plannedCounts(connection, 3_000);
            assertThat(sum(counts)).isEqualTo(30_000);
            assertThat(counts.size()).isGreaterThanOrEqualTo(9);
        }
    }

    @Test
    void verificationChunksOfATableStoredInKeyOrderAreEvenFromAFewPagesEach() throws SQLException {
        try (Connection connection = tableT("chunks_verify_ordered", "CREATE TABLE t (id bigint PRIMARY KEY, v text)",
                "INSERT INTO t SELECT g * 7, repeat('x', 60) FROM generate_series(1, 300000) g")) {
            assertThat(ChunkPlanner.pagedBoundaries(connection, table(connection), KeySort.natural(table(connection)), 15, 4)).hasSize(14);
            List<Long> counts = verificationCounts(connection, 20_000);
            assertThat(sum(counts)).isEqualTo(300_000);
            // four evenly spaced pages per chunk put each boundary within an eighth of a chunk
            assertThat(counts).hasSize(15).allSatisfy(c -> assertThat(c).isBetween(15_000L, 25_000L));
        }
    }

    @Test
    void verificationChunksOfAShuffledTableStillCoverEveryRowOnce() throws SQLException {
        try (Connection connection = tableT("chunks_verify_shuffled", "CREATE TABLE t (id uuid PRIMARY KEY, v text)",
                "INSERT INTO t SELECT gen_random_uuid(), repeat('x', 60) FROM generate_series(1, 200000) g")) {
            List<Long> counts = verificationCounts(connection, 20_000);
            assertThat(sum(counts)).isEqualTo(200_000);
            assertThat(counts).hasSizeBetween(8, 10).allSatisfy(c -> assertThat(c).isBetween(4_000L, 45_000L));
        }
    }

    @Test
    void verificationChunksOfACompositeTextKeyFromPagesCoverEveryRowOnce() throws SQLException {
        try (Connection connection = tableT("chunks_verify_composite",
                "CREATE TABLE t (region text, id int, v text, PRIMARY KEY (region, id))",
                "INSERT INTO t SELECT 'r''' || (g % 7), g, repeat('x', 60) FROM generate_series(1, 150000) g")) {
            assertThat(ChunkPlanner.pagedBoundaries(connection, table(connection), KeySort.natural(table(connection)), 10, 4)).hasSize(9);
            List<Long> counts = verificationCounts(connection, 15_000);
            assertThat(sum(counts)).isEqualTo(150_000);
            assertThat(counts).hasSizeBetween(8, 10);
        }
    }

    @Test
    void verificationFallsBackToABlockSampleWhenThePagesFirstSlotsHoldNoRows() throws SQLException {
        try (Connection connection = tableT("chunks_verify_holes", "CREATE TABLE t (id bigint PRIMARY KEY, v text)",
                "INSERT INTO t SELECT g, repeat('x', 60) FROM generate_series(1, 240000) g",
                // the first eight row slots of every page lose their rows, as after heavy deletes
                "DELETE FROM t WHERE (ctid::text::point)[1] <= 8",
                "VACUUM t")) {
            long left = count(connection);
            assertThat(ChunkPlanner.pagedBoundaries(connection, table(connection), KeySort.natural(table(connection)), 10, 4)).isEmpty();
            List<Long> counts = verificationCounts(connection, left / 10);
            assertThat(sum(counts)).isEqualTo(left);
            assertThat(counts).hasSizeBetween(8, 11);
        }
    }

    @Test
    void aPartitionedTableIsPlannedFromItsPartitionsAlthoughItHoldsNoPagesItself() throws SQLException {
        try (Connection connection = tableT("chunks_partitioned",
                "CREATE TABLE t (id bigint, kind int, v text, PRIMARY KEY (id, kind)) PARTITION BY RANGE (kind)",
                "CREATE TABLE t_0 PARTITION OF t FOR VALUES FROM (0) TO (1)",
                "CREATE TABLE t_1 PARTITION OF t FOR VALUES FROM (1) TO (2)",
                "CREATE TABLE t_2 PARTITION OF t FOR VALUES FROM (2) TO (3)",
                "INSERT INTO t SELECT g, g % 3, 'x' FROM generate_series(1, 120000) g")) {
            TableInfo table = table(connection);
            assertThat(table.estimatedRows()).as("the partitions' rows").isBetween(100_000L, 140_000L);
            assertThat(table.sizeBytes()).as("the partitions' size").isPositive();
            assertThat(ChunkPlanner.pagedBoundaries(connection, table, KeySort.natural(table), 10, 4)).as("no pages of its own").isEmpty();

            List<Long> copyChunks = plannedCounts(connection, 12_000, 0);
            assertThat(sum(copyChunks)).isEqualTo(120_000);
            assertThat(copyChunks).hasSizeBetween(8, 10);
            List<Long> verifyChunks = verificationCounts(connection, 12_000);
            assertThat(sum(verifyChunks)).isEqualTo(120_000);
            assertThat(verifyChunks.size()).isGreaterThanOrEqualTo(8);
        }
    }

    /** A connection to a new database holding table {@code t}, made by {@code statements}, then analyzed. */
    private static Connection tableT(String database, String... statements) throws SQLException {
        Endpoint db = EmbeddedPostgres.newDatabase(database);
        Connection connection = EmbeddedPostgres.connect(db);
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
            statement.execute("ANALYZE t");
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    private static long sum(List<Long> counts) {
        return counts.stream().mapToLong(Long::longValue).sum();
    }

    private static long count(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM public.t")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static TableInfo table(Connection connection) throws SQLException {
        return PostgresCatalog.describeSource(connection,
                new TableSpec(new QualifiedName("public", "t"), new QualifiedName("public", "t"), List.of()));
    }

    private static List<Long> plannedCounts(Connection connection, long rowsPerChunk) throws SQLException {
        return plannedCounts(connection, rowsPerChunk, ChunkPlanner.EXACT_LIMIT);
    }

    private static List<Long> plannedCounts(Connection connection, long rowsPerChunk, long exactLimit) throws SQLException {
        TableInfo table = table(connection);
        return counts(connection, table, ChunkPlanner.plan(connection, table, rowsPerChunk, exactLimit));
    }

    private static List<Long> verificationCounts(Connection connection, long rowsPerChunk) throws SQLException {
        TableInfo table = table(connection);
        return counts(connection, table, ChunkPlanner.planForVerification(connection, table, KeySort.natural(table), rowsPerChunk, 1));
    }

    private static List<Long> counts(Connection connection, TableInfo table, List<KeyRange> ranges) throws SQLException {
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
