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
import java.util.List;
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
 */
final class HeapPass {

    /** Pages per segment: 32 MB with 8 kB pages, a second or so of work, so progress keeps moving. */
    static final long SEGMENT_PAGES = 4_096;
    /**
     * The highest valid page number, as the end of the last segment. Both bounds must be plain TID
     * comparisons for PostgreSQL to scan only the segment's pages.
     */
    private static final long LAST_PAGE = 0xFFFF_FFFEL;

    private final ComparerConnections connections;
    private final Side side;
    private final TableInfo table;
    private final String rowHash;
    private final String alias;
    private final int parallelism;

    HeapPass(ComparerConnections connections, Side side, TableInfo table, String rowHash, String alias, int parallelism) {
        this.connections = connections;
        this.side = side;
        this.table = table;
        this.rowHash = rowHash;
        this.alias = alias;
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
            }
            try (PreparedStatement statement = connection.prepareStatement(segmentSql(pass.bounds.size()))) {
                int pages = bindBounds(connection, statement, pass.bounds) + 1;
                int segment;
                while ((segment = pass.nextSegment.getAndIncrement()) < shared.segments()) {
                    long first = segment * SEGMENT_PAGES;
                    // the last segment is open, for pages added since the size was read
                    long end = segment == shared.segments() - 1 ? LAST_PAGE : first + SEGMENT_PAGES;
                    statement.setString(pages, "(" + first + ",0)");
                    statement.setString(pages + 1, "(" + end + ",0)");
                    add(statement, pass.sums);
                    pass.progress.accept((double) pass.segmentsDone.incrementAndGet() / shared.segments());
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

    /** The exported snapshot and how many segments the heap had once it was taken. */
    private record Snapshot(String id, long segments) {
    }

    private Snapshot export(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT pg_export_snapshot(), pg_relation_size("
                     + Sql.literal(Sql.table(table.name())) + "::regclass) / current_setting('block_size')::bigint")) {
            rows.next();
            // Read after the snapshot exists, the size covers every page the snapshot can see.
            long pages = rows.getLong(2);
            return new Snapshot(rows.getString(1), Math.max(1, (pages + SEGMENT_PAGES - 1) / SEGMENT_PAGES));
        }
    }

    private String segmentSql(int boundCount) {
        return "SELECT " + bucket(boundCount) + " AS safeshift_chunk, count(*), coalesce(sum(" + rowHash
                + "), 0)::text FROM " + Sql.table(table.name()) + " AS " + alias
                + " WHERE ctid >= CAST(? AS tid) AND ctid < CAST(? AS tid)"
                + " GROUP BY safeshift_chunk";
    }

    /**
     * The chunk of a row: {@code width_bucket} finds it by binary search over the bounds, which
     * arrive as text arrays (one per key column) and are cast to the key's types once per query.
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
            casts.add("CAST(safeshift_b" + i + " AS " + table.column(key.get(i)).type() + ")");
            arrays.add("CAST(? AS text[])");
        }
        String operand = key.size() == 1 ? Sql.ident(key.get(0)) : "ROW(" + Sql.columns(key) + ")";
        String element = key.size() == 1 ? casts.get(0) : "ROW(" + String.join(", ", casts) + ")";
        return "width_bucket(" + operand + ", (SELECT array_agg(" + element + " ORDER BY safeshift_o) FROM unnest("
                + String.join(", ", arrays) + ") WITH ORDINALITY AS safeshift_bounds(" + String.join(", ", columns)
                + ", safeshift_o)))";
    }

    /** Binds the bound arrays (one per key column, the first parameters) and returns how many. */
    private int bindBounds(Connection connection, PreparedStatement statement, List<List<String>> bounds)
            throws SQLException {
        if (bounds.isEmpty()) {
            return 0;
        }
        for (int column = 0; column < table.primaryKey().size(); column++) {
            Object[] values = new Object[bounds.size()];
            for (int i = 0; i < bounds.size(); i++) {
                values[i] = bounds.get(i).get(column);
            }
            statement.setArray(column + 1, connection.createArrayOf("text", values));
        }
        return table.primaryKey().size();
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
