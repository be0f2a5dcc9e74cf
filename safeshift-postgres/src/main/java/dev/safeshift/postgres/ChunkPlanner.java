package dev.safeshift.postgres;

import dev.safeshift.engine.KeyRange;
import dev.safeshift.engine.TableInfo;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Splits a table into key ranges holding about the same number of rows. Boundaries are row-count
 * quantiles of the primary key (not points spread over the key space, which go badly wrong on
 * skewed keys): exact for smaller tables, from a block sample for large ones.
 */
final class ChunkPlanner {

    /** Up to this many rows, boundaries come from a full ordered walk of the key. */
    static final long EXACT_LIMIT = 1_000_000;
    // Block sampling takes whole pages, so a chunk needs thousands of sampled rows (dozens of pages)
    // before its boundary stops jumping around with the luck of the draw.
    private static final int SAMPLE_ROWS_PER_CHUNK = 5_000;
    private static final int MIN_SAMPLE_ROWS = 20_000;

    private ChunkPlanner() {
    }

    /** Plans chunks on a connection whose transaction already sees the wanted snapshot. */
    static List<KeyRange> plan(Connection snapshot, TableInfo table, long rowsPerChunk) throws SQLException {
        return plan(snapshot, table, rowsPerChunk, EXACT_LIMIT);
    }

    /** As {@link #plan(Connection, TableInfo, long)}, sampling above {@code exactLimit} rows. */
    static List<KeyRange> plan(Connection snapshot, TableInfo table, long rowsPerChunk, long exactLimit)
            throws SQLException {
        return plan(snapshot, table, rowsPerChunk, exactLimit, OptionalLong.empty(), SAMPLE_ROWS_PER_CHUNK);
    }

    /**
     * As {@link #plan(Connection, TableInfo, long, long)}; with a seed, the block sample is
     * repeatable, so an unchanged table gets the same boundaries again. Fewer sampled rows per
     * chunk plan faster and make chunk sizes vary more.
     */
    static List<KeyRange> plan(Connection snapshot, TableInfo table, long rowsPerChunk, long exactLimit,
                               OptionalLong seed, int sampleRowsPerChunk) throws SQLException {
        long rows = table.estimatedRows() > 0 ? table.estimatedRows() : count(snapshot, table);
        int chunks = (int) Math.min(100_000, (rows + rowsPerChunk - 1) / rowsPerChunk);
        if (chunks <= 1) {
            return List.of(KeyRange.ALL);
        }
        List<List<String>> boundaries = rows <= exactLimit
                ? exactBoundaries(snapshot, table, Math.max(1, rows / chunks))
                : sampledBoundaries(snapshot, table, rows, chunks, seed, sampleRowsPerChunk);
        return ranges(boundaries);
    }

    private static long count(Connection snapshot, TableInfo table) throws SQLException {
        try (Statement statement = snapshot.createStatement();
             ResultSet result = statement.executeQuery("SELECT count(*) FROM " + Sql.table(table.name()))) {
            result.next();
            return result.getLong(1);
        }
    }

    private static List<List<String>> exactBoundaries(Connection snapshot, TableInfo table, long step) throws SQLException {
        String key = Sql.columns(table.primaryKey());
        String sql = "SELECT " + KeyRanges.keyAsText(table) + " FROM (SELECT " + key + ", row_number() OVER (ORDER BY "
                + key + ") AS safeshift_rn FROM " + Sql.table(table.name()) + ") AS numbered"
                + " WHERE safeshift_rn % " + step + " = 1 AND safeshift_rn > 1 ORDER BY safeshift_rn";
        return read(snapshot, sql, table.primaryKey().size());
    }

    private static List<List<String>> sampledBoundaries(Connection snapshot, TableInfo table, long rows, int chunks,
                                                        OptionalLong seed, int sampleRowsPerChunk) throws SQLException {
        long wanted = Math.max(MIN_SAMPLE_ROWS, (long) chunks * sampleRowsPerChunk);
        double percent = Math.min(100.0, Math.max(0.001, 100.0 * wanted / rows));
        String sql = "SELECT " + KeyRanges.keyAsText(table) + " FROM " + Sql.table(table.name())
                + " TABLESAMPLE SYSTEM (" + percent + ")"
                + (seed.isPresent() ? " REPEATABLE (" + seed.getAsLong() + ")" : "")
                + " ORDER BY " + Sql.columns(table.primaryKey());
        List<List<String>> sample = read(snapshot, sql, table.primaryKey().size());
        List<List<String>> boundaries = new ArrayList<>();
        for (int i = 1; i < chunks && !sample.isEmpty(); i++) {
            boundaries.add(sample.get((int) ((long) i * sample.size() / chunks)));
        }
        return boundaries;
    }

    private static List<List<String>> read(Connection connection, String sql, int keyColumns) throws SQLException {
        List<List<String>> keys = new ArrayList<>();
        try (Statement statement = connection.createStatement()) {
            statement.setFetchSize(10_000);
            try (ResultSet result = statement.executeQuery(sql)) {
                while (result.next()) {
                    List<String> key = new ArrayList<>(keyColumns);
                    for (int i = 1; i <= keyColumns; i++) {
                        key.add(result.getString(i));
                    }
                    keys.add(key);
                }
            }
        }
        return keys;
    }

    /** Turns ordered boundaries into contiguous ranges covering the whole key space. */
    static List<KeyRange> ranges(List<List<String>> boundaries) {
        List<List<String>> distinct = new ArrayList<>();
        for (List<String> boundary : boundaries) {
            if (distinct.isEmpty() || !distinct.get(distinct.size() - 1).equals(boundary)) {
                distinct.add(boundary);
            }
        }
        List<KeyRange> ranges = new ArrayList<>();
        Optional<List<String>> lower = Optional.empty();
        for (List<String> boundary : distinct) {
            ranges.add(new KeyRange(lower, Optional.of(boundary)));
            lower = Optional.of(boundary);
        }
        ranges.add(new KeyRange(lower, Optional.empty()));
        return ranges;
    }
}
