package dev.safeshift.postgres;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.Checksum;
import dev.safeshift.engine.Side;
import dev.safeshift.engine.TableInfo;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleConsumer;

/**
 * Checksums of every chunk of a table in one sequential pass over its heap. The heap is cut into
 * segments of consecutive pages (TID range scans, PostgreSQL 14+), read by several connections at
 * once, all in one exported snapshot so that each row is seen exactly once; every segment query
 * sums its rows per chunk (the chunk found by {@code width_bucket} over the chunk bounds), and the
 * per-segment sums are added up. A sequential scan reads the table at least twice as fast as
 * walking the key's index chunk by chunk, because PostgreSQL reads it through a small ring of
 * buffers instead of churning the whole buffer cache.
 *
 * <p>A partitioned table has no heap of its own: each of its leaf partitions is cut into segments
 * of its own, all read in the same snapshot. A leaf that is not a heap (a foreign table) is one
 * segment, read whole.
 */
final class HeapPass {

    /** Fewest pages per segment: 32 MB with 8 kB pages, a fraction of a second of work. */
    static final long MIN_SEGMENT_PAGES = 4_096;
    /** Most pages per segment: 256 MB, a few seconds of work, so progress keeps moving. */
    static final long MAX_SEGMENT_PAGES = 32_768;
    /** Segments per reader between those bounds: enough for readers that finish at different times to even out. */
    private static final long SEGMENTS_PER_READER = 4;
    /**
     * From this segment size on, each segment's query is compiled with PostgreSQL's JIT, optimized
     * and inlined, whatever the planner's cost estimate says: the row hash is dozens of function
     * calls per row, compiled code evaluates it 10 to 15% faster, and a segment of 128 MB pays back
     * the compilation (a few hundred milliseconds) several times over. Smaller segments are left to
     * the server's settings; a server with JIT turned off keeps it off.
     */
    static final long JIT_SEGMENT_PAGES = 16_384;
    /**
     * The highest valid page number, as the end of the last segment. Both bounds must be plain TID
     * comparisons for PostgreSQL to scan only the segment's pages.
     */
    private static final long LAST_PAGE = 0xFFFF_FFFEL;

    private final ComparerConnections connections;
    private final Side side;
    private final TableInfo table;
    private final KeySort sort;
    private final String rowHash;
    private final int parallelism;

    /**
     * @param sort    the order of the key both sides share, in which the bounds are sorted
     * @param rowHash the row hash, an expression of the table's columns
     */
    HeapPass(ComparerConnections connections, Side side, TableInfo table, KeySort sort, String rowHash, int parallelism) {
        this.connections = connections;
        this.side = side;
        this.table = table;
        this.sort = sort;
        this.rowHash = rowHash;
        this.parallelism = parallelism;
    }

    List<Checksum> run(List<List<String>> bounds, DoubleConsumer progress) throws SQLException, InterruptedException {
        Pass pass = new Pass(bounds, progress, parallelism);
        ExecutorService readers = Executors.newFixedThreadPool(parallelism, runnable -> {
            Thread thread = new Thread(runnable, "safeshift-verify-" + side.label() + "-scan");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<Void>> work = new ArrayList<>();
            for (int reader = 0; reader < parallelism; reader++) {
                boolean exporter = reader == 0;
                work.add(readers.submit(() -> {
                    try {
                        return connections.with(side, connection -> read(connection, exporter, pass));
                    } finally {
                        if (!exporter) {
                            // done or failed: either way the exporter need not keep its snapshot for this reader
                            pass.imported.countDown();
                        }
                    }
                }));
            }
            for (Future<Void> future : work) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof SQLException sql) {
                        throw sql;
                    }
                    if (e.getCause() instanceof SafeshiftException safeshift) {
                        throw safeshift;
                    }
                    throw new SafeshiftException(SafeshiftException.Kind.INTERNAL,
                            "scanning the " + side.label() + " failed: " + e.getCause(), e.getCause());
                }
            }
        } finally {
            readers.shutdownNow();
        }
        return pass.sums;
    }

    /** What the readers of one pass share. */
    private static final class Pass {
        final List<List<String>> bounds;
        final DoubleConsumer progress;
        final List<Checksum> sums;
        final CompletableFuture<Snapshot> snapshot = new CompletableFuture<>();
        final CountDownLatch imported;
        final AtomicInteger nextSegment = new AtomicInteger();
        final AtomicInteger segmentsDone = new AtomicInteger();

        Pass(List<List<String>> bounds, DoubleConsumer progress, int readers) {
            this.bounds = bounds;
            this.progress = progress;
            this.sums = new ArrayList<>(Collections.nCopies(bounds.size() + 1, Checksum.EMPTY));
            this.imported = new CountDownLatch(readers - 1);
        }
    }

    /**
     * One reader: the first exports the snapshot, the others import it; then each takes the next
     * segment until none is left.
     */
    private Void read(Connection connection, boolean exporter, Pass pass) throws SQLException {
        connection.setAutoCommit(false);
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        try {
            Snapshot shared;
            if (exporter) {
                shared = export(connection);
                pass.snapshot.complete(shared);
            } else {
                shared = pass.snapshot.get();
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SET TRANSACTION SNAPSHOT " + Sql.literal(shared.id()));
                }
            }
            try (Statement statement = connection.createStatement()) {
                // The planner cannot tell that a few hundred chunks are all the groups there are;
                // left alone it sorts every row (spilling to disk) to group them.
                statement.execute("SET LOCAL enable_sort = off");
                if (shared.segmentPages() >= JIT_SEGMENT_PAGES) {
                    statement.execute("SET LOCAL jit_above_cost = 0");
                    statement.execute("SET LOCAL jit_optimize_above_cost = 0");
                    statement.execute("SET LOCAL jit_inline_above_cost = 0");
                }
            }
            Map<String, PreparedStatement> statements = new HashMap<>();
            // the bound arrays come first, one per key column, then the segment's TIDs
            int tids = pass.bounds.isEmpty() ? 1 : table.primaryKey().size() + 1;
            try {
                int segment;
                while ((segment = pass.nextSegment.getAndIncrement()) < shared.segments().size()) {
                    Segment next = shared.segments().get(segment);
                    PreparedStatement statement = statements.get(next.relation());
                    if (statement == null) {
                        statement = connection.prepareStatement(segmentSql(next, pass.bounds.size()));
                        bindBounds(connection, statement, pass.bounds);
                        statements.put(next.relation(), statement);
                    }
                    if (next.byTid()) {
                        statement.setString(tids, "(" + next.firstPage() + ",0)");
                        statement.setString(tids + 1, "(" + next.endPage() + ",0)");
                    }
                    add(statement, pass.sums);
                    pass.progress.accept((double) pass.segmentsDone.incrementAndGet() / shared.segments().size());
                }
            } finally {
                for (PreparedStatement statement : statements.values()) {
                    statement.close();
                }
            }
            if (exporter) {
                pass.imported.await(); // importing needs the exporting transaction alive
            }
            connection.commit();
            return null;
        } catch (InterruptedException | ExecutionException e) {
            throw new SQLException("a reader of the " + side.label() + " could not share the snapshot", e);
        } finally {
            // a failed exporter must not leave the other readers waiting for its snapshot
            pass.snapshot.completeExceptionally(new SQLException("the snapshot could not be exported"));
            connection.rollback();
            connection.setAutoCommit(true);
        }
    }

    /** The exported snapshot, the segments of the table's heaps once it was taken, and their size in pages. */
    private record Snapshot(String id, List<Segment> segments, long segmentPages) {
    }

    /** A leaf of the table: a heap of {@code pages} pages, or a relation that is not a heap. */
    private record Leaf(String relation, boolean heap, long pages) {
    }

    /**
     * Pages per segment for heaps of {@code totalPages} pages read by {@code readers} readers: a few
     * segments per reader, within {@link #MIN_SEGMENT_PAGES} and {@link #MAX_SEGMENT_PAGES}.
     */
    static long segmentPages(long totalPages, int readers) {
        long perReader = (totalPages + readers * SEGMENTS_PER_READER - 1) / (readers * SEGMENTS_PER_READER);
        return Math.max(MIN_SEGMENT_PAGES, Math.min(MAX_SEGMENT_PAGES, perReader));
    }

    /**
     * Pages {@code firstPage} (inclusive) to {@code endPage} (exclusive) of one heap, named by its
     * quoted, qualified name; or a whole relation that is not a heap.
     */
    private record Segment(String relation, boolean byTid, long firstPage, long endPage) {
    }

    /**
     * The leaves of the table: the table itself unless it is partitioned (pg_partition_tree lists
     * nothing for a table outside a partition tree).
     */
    private static final String LEAVES = """
            SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), c.relkind = 'r',
                   pg_relation_size(c.oid) / current_setting('block_size')::bigint
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.oid IN (SELECT p.relid FROM pg_partition_tree(CAST(? AS regclass)) AS p WHERE p.isleaf)
                OR (c.oid = CAST(? AS regclass) AND c.relkind <> 'p')
             ORDER BY c.oid""";

    private Snapshot export(Connection connection) throws SQLException {
        String id;
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT pg_export_snapshot()")) {
            rows.next();
            id = rows.getString(1);
        }
        // Read after the snapshot exists, the sizes cover every page the snapshot can see.
        List<Leaf> leaves = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(LEAVES)) {
            statement.setString(1, Sql.table(table.name()));
            statement.setString(2, Sql.table(table.name()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    leaves.add(new Leaf(rows.getString(1), rows.getBoolean(2), rows.getLong(3)));
                }
            }
        }
        long segmentPages = segmentPages(leaves.stream().filter(Leaf::heap).mapToLong(Leaf::pages).sum(), parallelism);
        List<Segment> segments = new ArrayList<>();
        for (Leaf leaf : leaves) {
            if (!leaf.heap()) {
                segments.add(new Segment(leaf.relation(), false, 0, 0));
                continue;
            }
            long count = Math.max(1, (leaf.pages() + segmentPages - 1) / segmentPages);
            for (long segment = 0; segment < count; segment++) {
                long first = segment * segmentPages;
                // the last segment is open, for pages added since the size was read
                long end = segment == count - 1 ? LAST_PAGE : first + segmentPages;
                segments.add(new Segment(leaf.relation(), true, first, end));
            }
        }
        return new Snapshot(id, segments, segmentPages);
    }

    private String segmentSql(Segment segment, int boundCount) {
        // Not FROM ONLY: a table with children by plain inheritance is read with its children, as
        // every other query of verification reads it.
        return "SELECT " + bucket(boundCount) + " AS safeshift_chunk, count(*), coalesce(sum(" + rowHash
                + "), 0)::text FROM " + segment.relation()
                + (segment.byTid() ? " WHERE ctid >= CAST(? AS tid) AND ctid < CAST(? AS tid)" : "")
                + " GROUP BY safeshift_chunk";
    }

    /**
     * The chunk of a row: {@code width_bucket} finds it by binary search over the bounds, which
     * arrive as text arrays (one per key column) and are cast to the key's types once per query.
     * Operand and bounds carry the same explicit collations: a composite key compares as a record,
     * column by column in the collation both records' columns have, and fails when they differ.
     */
    private String bucket(int boundCount) {
        if (boundCount == 0) {
            return "0";
        }
        List<String> key = table.primaryKey();
        List<String> columns = new ArrayList<>();
        List<String> casts = new ArrayList<>();
        List<String> arrays = new ArrayList<>();
        for (int i = 0; i < key.size(); i++) {
            columns.add("safeshift_b" + i);
            casts.add(sort.column("CAST(safeshift_b" + i + " AS " + table.column(key.get(i)).type() + ")", i));
            arrays.add("CAST(? AS text[])");
        }
        String operand = key.size() == 1 ? KeyRanges.key(table, sort) : "ROW(" + KeyRanges.orderBy(table, sort) + ")";
        String element = key.size() == 1 ? casts.get(0) : "ROW(" + String.join(", ", casts) + ")";
        return "width_bucket(" + operand + ", (SELECT array_agg(" + element + " ORDER BY safeshift_o) FROM unnest("
                + String.join(", ", arrays) + ") WITH ORDINALITY AS safeshift_bounds(" + String.join(", ", columns)
                + ", safeshift_o)))";
    }

    /** Binds the bound arrays (one per key column, the first parameters). */
    private void bindBounds(Connection connection, PreparedStatement statement, List<List<String>> bounds)
            throws SQLException {
        if (bounds.isEmpty()) {
            return;
        }
        for (int column = 0; column < table.primaryKey().size(); column++) {
            Object[] values = new Object[bounds.size()];
            for (int i = 0; i < bounds.size(); i++) {
                values[i] = bounds.get(i).get(column);
            }
            statement.setArray(column + 1, connection.createArrayOf("text", values));
        }
    }

    private static void add(PreparedStatement statement, List<Checksum> sums) throws SQLException {
        try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                int chunk = rows.getInt(1);
                Checksum part = new Checksum(rows.getLong(2), new BigInteger(rows.getString(3)));
                synchronized (sums) {
                    sums.set(chunk, sums.get(chunk).plus(part));
                }
            }
        }
    }
}
