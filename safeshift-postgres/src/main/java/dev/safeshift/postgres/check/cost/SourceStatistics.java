package dev.safeshift.postgres.check.cost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.postgres.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads table sizes from the source's catalog and measures how fast the server reads each table.
 * Everything here is read-only and bounded: the speed sample reads at most {@link #SAMPLE_BYTES}
 * of the table (a {@code TABLESAMPLE SYSTEM} of whole pages) under a statement timeout.
 */
public final class SourceStatistics {

    /** Enough pages for a stable figure, little enough to be harmless on a production server. */
    static final long SAMPLE_BYTES = 64L * 1024 * 1024;
    private static final int SAMPLE_TIMEOUT_SECONDS = 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Connection source;

    public SourceStatistics(Connection source) {
        this.source = source;
    }

    /** The table's current size; empty when the source has no such table. */
    public Optional<TableStatistics> sizeOf(QualifiedName table) throws SQLException {
        // A partitioned table has no data of its own: its size is its leaf partitions'.
        String sql = """
                WITH target AS (SELECT to_regclass(?) AS oid),
                parts AS (
                  SELECT c.oid FROM pg_class c JOIN target ON c.oid = target.oid WHERE c.relkind <> 'p'
                  UNION
                  SELECT p.relid FROM target, pg_partition_tree(target.oid) p WHERE p.isleaf
                )
                SELECT (SELECT sum(c.reltuples) FROM pg_class c JOIN parts ON c.oid = parts.oid
                        WHERE c.reltuples >= 0) AS row_estimate,
                       (SELECT bool_or(c.reltuples < 0) FROM pg_class c JOIN parts ON c.oid = parts.oid) AS unanalysed,
                       (SELECT coalesce(sum(pg_relation_size(oid)), 0) FROM parts) AS heap,
                       (SELECT coalesce(sum(pg_indexes_size(oid)), 0) FROM parts) AS indexes,
                       (SELECT coalesce(sum(pg_total_relation_size(oid) - pg_relation_size(oid) - pg_indexes_size(oid)), 0)
                          FROM parts) AS toast,
                       (SELECT count(*) FROM pg_index i JOIN target ON i.indrelid = target.oid) AS index_count,
                       (SELECT oid IS NOT NULL FROM target) AS present
                """;
        try (PreparedStatement statement = source.prepareStatement(sql)) {
            statement.setString(1, table.toString());
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                if (!rs.getBoolean("present")) {
                    return Optional.empty();
                }
                // PostgreSQL 14 and later say -1 for a table never analysed (earlier ones 0 with no pages).
                OptionalLong rows = rs.getBoolean("unanalysed") || rs.getObject("row_estimate") == null
                        ? OptionalLong.empty() : OptionalLong.of(Math.round(rs.getDouble("row_estimate")));
                return Optional.of(new TableStatistics(table, rows, rs.getLong("heap"), rs.getLong("indexes"),
                        rs.getLong("toast"), rs.getInt("index_count")));
            }
        }
    }

    /**
     * Reads a sample of the table's pages and times it on the server. Empty for an empty table,
     * which has nothing to time.
     */
    public Optional<ReadSpeed> readSpeed(TableStatistics table) throws SQLException {
        return readSpeed(table, 42);
    }

    /**
     * The fastest of {@code times} reads, each of other pages (another sample seed), so that none
     * finds its pages in the buffer cache because an earlier one read them: one slow moment of the
     * server does not become the table's speed.
     */
    public Optional<ReadSpeed> fastestReadSpeed(TableStatistics table, int times) throws SQLException {
        Optional<ReadSpeed> fastest = Optional.empty();
        for (int i = 0; i < times; i++) {
            Optional<ReadSpeed> speed = readSpeed(table, 42 + i);
            if (speed.isPresent() && fastest.map(f -> f.bytesPerSecond() < speed.get().bytesPerSecond()).orElse(true)) {
                fastest = speed;
            }
        }
        return fastest;
    }

    private Optional<ReadSpeed> readSpeed(TableStatistics table, int seed) throws SQLException {
        if (table.heapBytes() == 0) {
            return Optional.empty();
        }
        double percent = Math.min(100.0, 100.0 * SAMPLE_BYTES / table.heapBytes());
        String sql = "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT count(*) FROM " + Sql.table(table.table())
                + " TABLESAMPLE SYSTEM (" + String.format(Locale.ROOT, "%.6f", percent) + ") REPEATABLE (" + seed + ")";
        boolean autoCommit = source.getAutoCommit();
        source.setAutoCommit(false);
        try (Statement statement = source.createStatement()) {
            statement.execute("SET LOCAL statement_timeout = '" + SAMPLE_TIMEOUT_SECONDS + "s'");
            statement.execute("SET LOCAL transaction_read_only = on");
            JsonNode plan;
            try (ResultSet rs = statement.executeQuery(sql)) {
                rs.next();
                plan = JSON.readTree(rs.getString(1)).get(0);
            }
            long blockSize;
            try (ResultSet rs = statement.executeQuery("SELECT current_setting('block_size')::bigint")) {
                rs.next();
                blockSize = rs.getLong(1);
            }
            return Optional.ofNullable(speedOf(plan, blockSize));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the server's EXPLAIN output could not be read: " + e.getMessage(), e);
        } finally {
            source.rollback();
            source.setAutoCommit(autoCommit);
        }
    }

    private static ReadSpeed speedOf(JsonNode plan, long blockSize) {
        JsonNode top = plan.get("Plan");
        long hit = top.path("Shared Hit Blocks").asLong();
        long read = top.path("Shared Read Blocks").asLong();
        double milliseconds = plan.path("Execution Time").asDouble();
        long bytes = (hit + read) * blockSize;
        if (bytes == 0 || milliseconds <= 0) {
            return null;
        }
        return new ReadSpeed(bytes / (milliseconds / 1000.0), bytes, read == 0);
    }
}
