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

    /** Verification walks the key for boundaries only this far: beyond, the walk costs more than sampling. */
    static final long VERIFY_EXACT_LIMIT = 100_000;
    /**
     * Pages read per chunk when sampling for verification. Four keep each boundary within an
     * eighth of a chunk of its place on a table stored in key order, for four page reads a chunk.
     */
    private static final int VERIFY_PAGES_PER_CHUNK = 4;
    /** Row slots read per sampled page: a few, so that dead slots on a page do not lose it. */
    private static final int LINES_PER_PAGE = 8;
    /** Block-sampled rows per chunk when evenly spaced pages hold too few rows. */
    private static final int VERIFY_SAMPLE_ROWS_PER_CHUNK = 1_000;

    private ChunkPlanner() {
    }

    /** Plans chunks on a connection whose transaction already sees the wanted snapshot. */
    static List<KeyRange> plan(Connection snapshot, TableInfo table, long rowsPerChunk) throws SQLException {
        return plan(snapshot, table, rowsPerChunk, EXACT_LIMIT);
    }

    /** As {@link #plan(Connection, TableInfo, long)}, sampling above {@code exactLimit} rows. */
    static List<KeyRange> plan(Connection snapshot, TableInfo table, long rowsPerChunk, long exactLimit)
            throws SQLException {
        KeySort sort = KeySort.natural(table);
        return plan(snapshot, table, rowsPerChunk, (rows, chunks) -> rows <= exactLimit
                ? exactBoundaries(snapshot, table, sort, Math.max(1, rows / chunks))
                : sampledBoundaries(snapshot, table, sort, rows, chunks, OptionalLong.empty(), SAMPLE_ROWS_PER_CHUNK));
    }

    /**
     * Chunks for verification, which needs them cheap more than even: a row's chunk only decides
     * which range is read again if it differs, while planning is paid by every run, samples
     * included. Exact up to {@link #VERIFY_EXACT_LIMIT} rows; above, from evenly spaced pages
     * ({@link #pagedBoundaries}); where those hold too few rows, from a block sample repeatable
     * with {@code seed}. Boundaries are in the order {@code sort}, which both sides share.
     */
    static List<KeyRange> planForVerification(Connection snapshot, TableInfo table, KeySort sort, long rowsPerChunk,
                                              long seed) throws SQLException {
        return plan(snapshot, table, rowsPerChunk, (rows, chunks) -> {
            if (rows <= VERIFY_EXACT_LIMIT) {
                return exactBoundaries(snapshot, table, sort, Math.max(1, rows / chunks));
            }
            List<List<String>> paged = pagedBoundaries(snapshot, table, sort, chunks, VERIFY_PAGES_PER_CHUNK);
            return !paged.isEmpty() ? paged : sampledBoundaries(snapshot, table, sort, rows, chunks, OptionalLong.of(seed),
                    VERIFY_SAMPLE_ROWS_PER_CHUNK);
        });
    }

    /** Reads the boundaries that cut a table of about {@code rows} rows into {@code chunks} chunks. */
    private interface Boundaries {
        List<List<String>> read(long rows, int chunks) throws SQLException;
    }

    /** One range for a table of a chunk or less; else the ranges between the boundaries read. */
    private static List<KeyRange> plan(Connection snapshot, TableInfo table, long rowsPerChunk, Boundaries boundaries)
            throws SQLException {
        long rows = table.estimatedRows() > 0 ? table.estimatedRows() : estimate(snapshot, table);
        int chunks = (int) Math.min(100_000, (rows + rowsPerChunk - 1) / rowsPerChunk);
        return chunks <= 1 ? List.of(KeyRange.ALL) : ranges(boundaries.read(rows, chunks));
    }

    /**
     * The table's size when the catalog's estimate is missing: a partitioned table has none of its
     * own, but its partitions have theirs; failing those, the rows are counted.
     */
    private static long estimate(Connection snapshot, TableInfo table) throws SQLException {
        // pg_partition_tree is new in PostgreSQL 12 (a backfill's source may be older)
        long leaves = snapshot.getMetaData().getDatabaseMajorVersion() >= 12 ? leafEstimate(snapshot, table) : 0;
        return leaves > 0 ? leaves : count(snapshot, table);
    }

    private static long leafEstimate(Connection snapshot, TableInfo table) throws SQLException {
        try (Statement statement = snapshot.createStatement();
             ResultSet result = statement.executeQuery("SELECT sum(greatest(c.reltuples, 0))::bigint"
                     + " FROM pg_partition_tree(" + Sql.literal(Sql.table(table.name())) + "::regclass) AS p"
                     + " JOIN pg_class c ON c.oid = p.relid WHERE p.isleaf")) {
            result.next();
            return result.getLong(1);
        }
    }

    private static long count(Connection snapshot, TableInfo table) throws SQLException {
        try (Statement statement = snapshot.createStatement();
             ResultSet result = statement.executeQuery("SELECT count(*) FROM " + Sql.table(table.name()))) {
            result.next();
            return result.getLong(1);
        }
    }

    private static List<List<String>> exactBoundaries(Connection snapshot, TableInfo table, KeySort sort, long step)
            throws SQLException {
        String sql = "SELECT " + KeyRanges.keyAsText(table) + " FROM (SELECT " + Sql.columns(table.primaryKey())
                + ", row_number() OVER (ORDER BY " + KeyRanges.orderBy(table, sort) + ") AS safeshift_rn FROM "
                + Sql.table(table.name()) + ") AS numbered"
                + " WHERE safeshift_rn % " + step + " = 1 AND safeshift_rn > 1 ORDER BY safeshift_rn";
        return read(snapshot, sql, table.primaryKey().size());
    }

    private static List<List<String>> sampledBoundaries(Connection snapshot, TableInfo table, KeySort sort, long rows,
                                                        int chunks, OptionalLong seed, int sampleRowsPerChunk)
            throws SQLException {
        long wanted = Math.max(MIN_SAMPLE_ROWS, (long) chunks * sampleRowsPerChunk);
        double percent = Math.min(100.0, Math.max(0.001, 100.0 * wanted / rows));
        String sql = "SELECT " + KeyRanges.keyAsText(table) + " FROM " + Sql.table(table.name())
                + " TABLESAMPLE SYSTEM (" + percent + ")"
                + (seed.isPresent() ? " REPEATABLE (" + seed.getAsLong() + ")" : "")
                + " ORDER BY " + KeyRanges.orderBy(table, sort);
        return quantiles(read(snapshot, sql, table.primaryKey().size()), chunks);
    }

    /**
     * Chunk boundaries from the first {@link #LINES_PER_PAGE} row slots of evenly spaced pages,
     * {@code pagesPerChunk} of them per chunk, fetched by TID. Evenly spaced pages follow a table
     * stored in key order far more closely than random ones (each page is one point of the key
     * order, so spacing them evenly leaves no large gaps), and on any table the cost is a known,
     * small number of page reads. Empty when the table is not a plain heap (a partitioned table
     * has no pages of its own) or too few slots hold rows (after heavy deletes or updates), for the
     * caller to sample another way.
     */
    static List<List<String>> pagedBoundaries(Connection snapshot, TableInfo table, KeySort sort, int chunks,
                                              int pagesPerChunk) throws SQLException {
        long pages = pages(snapshot, table);
        long step = Math.max(1, pages / ((long) chunks * pagesPerChunk));
        String sql = "SELECT " + KeyRanges.keyAsText(table) + " FROM " + Sql.table(table.name())
                + " WHERE ctid = ANY (ARRAY(SELECT format('(%s,%s)', page, line)::tid"
                + " FROM generate_series(0, " + (pages - 1) + ", " + step + ") AS page,"
                + " generate_series(1, " + LINES_PER_PAGE + ") AS line))"
                + " ORDER BY " + KeyRanges.orderBy(table, sort);
        List<List<String>> sample = pages == 0 ? List.of() : read(snapshot, sql, table.primaryKey().size());
        return sample.size() < 2L * chunks ? List.of() : quantiles(sample, chunks);
    }

    private static long pages(Connection snapshot, TableInfo table) throws SQLException {
        try (Statement statement = snapshot.createStatement();
             ResultSet result = statement.executeQuery("SELECT pg_relation_size(" + Sql.literal(Sql.table(table.name()))
                     + "::regclass) / current_setting('block_size')::bigint")) {
            result.next();
            return result.getLong(1);
        }
    }

    /** The keys that split an ordered sample into {@code chunks} equal parts. */
    private static List<List<String>> quantiles(List<List<String>> sample, int chunks) {
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
