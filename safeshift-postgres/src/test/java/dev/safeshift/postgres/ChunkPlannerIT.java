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

    @Test
    void verificationChunksOfATableStoredInKeyOrderAreEvenFromAFewPagesEach() throws SQLException {
        Endpoint db = EmbeddedPostgres.newDatabase("chunks_verify_ordered");
        try (Connection connection = EmbeddedPostgres.connect(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE t (id bigint PRIMARY KEY, v text)");
            statement.execute("INSERT INTO t SELECT g * 7, repeat('x', 60) FROM generate_series(1, 300000) g");
            statement.execute("ANALYZE t");
            assertThat(ChunkPlanner.pagedBoundaries(connection, table(connection), 15, 4)).hasSize(14);
            List<Long> counts = verificationCounts(connection, 20_000);
            assertThat(counts.stream().mapToLong(Long::longValue).sum()).isEqualTo(300_000);
            // four evenly spaced pages per chunk put each boundary within an eighth of a chunk
            assertThat(counts).hasSize(15).allSatisfy(c -> assertThat(c).isBetween(15_000L, 25_000L));
        }
    }

    @Test
    void verificationChunksOfAShuffledTableStillCoverEveryRowOnce() throws SQLException {
        Endpoint db = EmbeddedPostgres.newDatabase("chunks_verify_shuffled");
        try (Connection connection = EmbeddedPostgres.connect(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE t (id uuid PRIMARY KEY, v text)");
            statement.execute("INSERT INTO t SELECT gen_random_uuid(), repeat('x', 60) FROM generate_series(1, 200000) g");
            statement.execute("ANALYZE t");
            List<Long> counts = verificationCounts(connection, 20_000);
            assertThat(counts.stream().mapToLong(Long::longValue).sum()).isEqualTo(200_000);
            assertThat(counts).hasSizeBetween(8, 10).allSatisfy(c -> assertThat(c).isBetween(4_000L, 45_000L));
        }
    }

    @Test
    void verificationChunksOfACompositeTextKeyFromPagesCoverEveryRowOnce() throws SQLException {
        Endpoint db = EmbeddedPostgres.newDatabase("chunks_verify_composite");
        try (Connection connection = EmbeddedPostgres.connect(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE t (region text, id int, v text, PRIMARY KEY (region, id))");
            statement.execute("INSERT INTO t SELECT 'r''' || (g % 7), g, repeat('x', 60) FROM generate_series(1, 150000) g");
            statement.execute("ANALYZE t");
            assertThat(ChunkPlanner.pagedBoundaries(connection, table(connection), 10, 4)).hasSize(9);
            List<Long> counts = verificationCounts(connection, 15_000);
            assertThat(counts.stream().mapToLong(Long::longValue).sum()).isEqualTo(150_000);
            assertThat(counts).hasSizeBetween(8, 10);
        }
    }

    @Test
    void verificationFallsBackToABlockSampleWhenThePagesFirstSlotsHoldNoRows() throws SQLException {
        Endpoint db = EmbeddedPostgres.newDatabase("chunks_verify_holes");
        try (Connection connection = EmbeddedPostgres.connect(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE t (id bigint PRIMARY KEY, v text)");
            statement.execute("INSERT INTO t SELECT g, repeat('x', 60) FROM generate_series(1, 240000) g");
            // the first eight row slots of every page lose their rows, as after heavy deletes
            statement.execute("DELETE FROM t WHERE (ctid::text::point)[1] <= 8");
            statement.execute("VACUUM ANALYZE t");
            long left = count(statement);
            assertThat(ChunkPlanner.pagedBoundaries(connection, table(connection), 10, 4)).isEmpty();
            List<Long> counts = verificationCounts(connection, left / 10);
            assertThat(counts.stream().mapToLong(Long::longValue).sum()).isEqualTo(left);
            assertThat(counts).hasSizeBetween(8, 11);
        }
    }

    private static long count(Statement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM public.t")) {
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
        return counts(connection, table, ChunkPlanner.planForVerification(connection, table, rowsPerChunk, 1));
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
