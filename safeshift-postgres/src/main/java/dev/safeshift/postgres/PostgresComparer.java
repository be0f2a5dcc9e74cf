package dev.safeshift.postgres;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.Checksum;
import dev.safeshift.engine.KeyRange;
import dev.safeshift.engine.RowDigest;
import dev.safeshift.engine.Side;
import dev.safeshift.engine.TableComparer;
import dev.safeshift.engine.TableInfo;
import dev.safeshift.engine.TableMove;
import dev.safeshift.plan.Endpoint;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleConsumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checksums, digests and rows of PostgreSQL tables, computed by the server with the SQL of
 * {@link RowNormalizer}. A range query walks the primary-key index, so a chunk costs what its
 * rows cost, and a sample reads only the sampled chunks.
 */
final class PostgresComparer implements TableComparer {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresComparer.class);

    /** Keys looked up per statement when fetching rows. */
    private static final int LOOKUP_BATCH = 500;

    private static final int MIN_VERSION = 14;

    /** The alias every read gives its table, for whole-row hashing. */
    private static final String ALIAS = "safeshift_t";

    private final ComparerConnections connections;
    private final int parallelism;
    private final Map<String, Map<Side, String>> rowHashes = new ConcurrentHashMap<>();

    PostgresComparer(Endpoint source, Endpoint target, int parallelism) {
        this.connections = new ComparerConnections(source, target, parallelism);
        this.parallelism = parallelism;
    }

    @Override
    public long countRows(Side side, TableMove move) {
        TableInfo table = table(side, move);
        return query(side, "counting the rows of " + table.name(), connection -> {
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + Sql.table(table.name()))) {
                rows.next();
                return rows.getLong(1);
            }
        });
    }

    @Override
    public List<KeyRange> planChunks(TableMove move, long rowsPerChunk, long seed) {
        // The target connects and is described while the source is: both sessions' set-up and
        // catalog reads overlap. Both definitions are in hand before any chunk is read, so a
        // missing target table is reported before the reading starts.
        long started = System.nanoTime();
        CompletableFuture<String> target = CompletableFuture.supplyAsync(() -> rowHash(Side.TARGET, move));
        rowHash(Side.SOURCE, move);
        long described = System.nanoTime();
        List<KeyRange> chunks = query(Side.SOURCE, "planning the chunks of " + move.source().name(), connection ->
                ChunkPlanner.planForVerification(connection, move.source(), rowsPerChunk, seed));
        long planned = System.nanoTime();
        try {
            target.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
        LOG.debug("{}: source connected and described in {} ms, chunk boundaries read in {} ms, target ready after {} ms",
                move.source().name(), (described - started) / 1_000_000, (planned - described) / 1_000_000,
                (System.nanoTime() - started) / 1_000_000);
        return chunks;
    }

    @Override
    public Checksum checksum(Side side, TableMove move, KeyRange range) {
        TableInfo table = table(side, move);
        String sql = "SELECT count(*), coalesce(sum(" + rowHash(side, move) + "), 0)::text FROM "
                + from(table) + " WHERE " + KeyRanges.condition(table, range);
        return query(side, "computing a checksum of " + table.name(), connection -> {
            try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
                rows.next();
                return new Checksum(rows.getLong(1), new BigInteger(rows.getString(2)));
            }
        });
    }

    @Override
    public List<List<String>> splitKeys(Side side, TableMove move, KeyRange range, int parts) {
        TableInfo table = table(side, move);
        String key = Sql.columns(table.primaryKey());
        String sql = "SELECT DISTINCT ON (safeshift_part) " + RowNormalizer.keyTexts(table)
                + " FROM (SELECT " + key + ", ntile(" + parts + ") OVER (ORDER BY " + key + ") AS safeshift_part FROM "
                + Sql.table(table.name()) + " WHERE " + KeyRanges.condition(table, range) + ") AS numbered"
                + " WHERE safeshift_part > 1 ORDER BY safeshift_part, " + key;
        return query(side, "splitting a range of " + table.name(), connection -> {
            List<List<String>> keys = new ArrayList<>();
            try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
                while (rows.next()) {
                    keys.add(strings(rows, 1, table.primaryKey().size()));
                }
            }
            return keys;
        });
    }

    @Override
    public List<Checksum> checksums(Side side, TableMove move, KeyRange range, List<List<String>> splitKeys) {
        TableInfo table = table(side, move);
        StringBuilder part = new StringBuilder("CASE");
        for (int i = 0; i < splitKeys.size(); i++) {
            part.append(" WHEN ").append(KeyRanges.key(table)).append(" < ")
                    .append(KeyRanges.values(table, splitKeys.get(i))).append(" THEN ").append(i);
        }
        part.append(" ELSE ").append(splitKeys.size()).append(" END");
        String sql = "SELECT " + part + " AS safeshift_part, count(*), coalesce(sum(" + rowHash(side, move)
                + "), 0)::text FROM " + from(table) + " WHERE " + KeyRanges.condition(table, range)
                + " GROUP BY safeshift_part";
        return query(side, "computing checksums of " + table.name(), connection -> {
            List<Checksum> sums = new ArrayList<>(java.util.Collections.nCopies(splitKeys.size() + 1, Checksum.EMPTY));
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                // a handful of groups: hash them; the planner would sort every row of the range
                statement.execute("SET LOCAL enable_sort = off");
                try (ResultSet rows = statement.executeQuery(sql)) {
                    while (rows.next()) {
                        sums.set(rows.getInt(1), new Checksum(rows.getLong(2), new BigInteger(rows.getString(3))));
                    }
                }
            } finally {
                connection.rollback();
                connection.setAutoCommit(true);
            }
            return sums;
        });
    }

    @Override
    public List<Checksum> checksumChunks(Side side, TableMove move, List<List<String>> bounds, DoubleConsumer progress) {
        TableInfo table = table(side, move);
        // Both sides are scanned at once, so each gets half the queries: the parallelism is what
        // runs at a time in all (and on one server, more queries than cores only slow each other).
        HeapPass pass = new HeapPass(connections, side, table, rowHash(side, move), ALIAS, Math.max(1, parallelism / 2));
        try {
            return pass.run(bounds, progress);
        } catch (SQLException e) {
            throw failure(side, "scanning " + table.name(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SafeshiftException(SafeshiftException.Kind.INTERNAL, "verification was interrupted", e);
        }
    }

    @Override
    public List<RowDigest> digests(Side side, TableMove move, KeyRange range) {
        TableInfo table = table(side, move);
        int keyColumns = table.primaryKey().size();
        String sql = "SELECT " + RowNormalizer.keyTexts(table) + ", " + rowHash(side, move) + " FROM "
                + from(table) + " WHERE " + KeyRanges.condition(table, range);
        return query(side, "reading row digests of " + table.name(), connection -> {
            List<RowDigest> digests = new ArrayList<>();
            connection.setAutoCommit(false); // a fetch size only streams inside a transaction
            try (Statement statement = connection.createStatement()) {
                statement.setFetchSize(10_000);
                try (ResultSet rows = statement.executeQuery(sql)) {
                    while (rows.next()) {
                        digests.add(new RowDigest(strings(rows, 1, keyColumns), rows.getLong(keyColumns + 1)));
                    }
                }
            } finally {
                connection.rollback();
                connection.setAutoCommit(true);
            }
            return digests;
        });
    }

    @Override
    public Map<List<String>, List<String>> rows(Side side, TableMove move, Collection<List<String>> keys) {
        TableInfo table = table(side, move);
        int keyColumns = table.primaryKey().size();
        int columns = table.columns().size();
        List<List<String>> all = List.copyOf(keys);
        Map<List<String>, List<String>> found = new HashMap<>();
        for (int from = 0; from < all.size(); from += LOOKUP_BATCH) {
            List<List<String>> batch = all.subList(from, Math.min(all.size(), from + LOOKUP_BATCH));
            String sql = "SELECT " + RowNormalizer.keyTexts(table) + ", " + RowNormalizer.columnTexts(table) + " FROM "
                    + Sql.table(table.name()) + " WHERE " + KeyRanges.key(table) + " IN ("
                    + batch.stream().map(key -> KeyRanges.values(table, key)).collect(Collectors.joining(", ")) + ")";
            query(side, "reading rows of " + table.name(), connection -> {
                try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
                    while (rows.next()) {
                        found.put(strings(rows, 1, keyColumns), strings(rows, keyColumns + 1, columns));
                    }
                }
                return null;
            });
        }
        return found;
    }

    @Override
    public void close() {
        connections.close();
    }

    private static String from(TableInfo table) {
        return Sql.table(table.name()) + " AS " + ALIAS;
    }

    /**
     * The row hash for a side: of the stored row when the table has exactly the compared columns,
     * in order, and each hashes as stored; else of a row built from the (cast) compared columns.
     * Both give the same hash for the same values, so each side may take its own way.
     */
    private String rowHash(Side side, TableMove move) {
        return rowHashes.computeIfAbsent(move.key(), key -> new ConcurrentHashMap<>()).computeIfAbsent(side, s -> {
            TableInfo compared = table(s, move);
            boolean wholeRow = query(s, "reading the definition of " + compared.name(), connection -> {
                requireRecordHash(connection, s);
                return compared.columns().stream().allMatch(RowNormalizer::hashableAsIs)
                        && PostgresCatalog.describeAll(connection, compared.name(), s.label()).columnNames()
                        .equals(compared.columnNames());
            });
            return RowNormalizer.rowHash(compared, wholeRow, ALIAS);
        });
    }

    /** Hashing rows needs {@code hash_record_extended}, which PostgreSQL has since version 14. */
    private static void requireRecordHash(Connection connection, Side side) throws SQLException {
        int version = connection.getMetaData().getDatabaseMajorVersion();
        if (version < MIN_VERSION) {
            throw new SafeshiftException(SafeshiftException.Kind.SOURCE_NOT_READY, "verification needs PostgreSQL "
                    + MIN_VERSION + " or later on both sides (for its record hash, hash_record_extended); the "
                    + side.label() + " runs version " + version + ".");
        }
    }

    /** The table as it is named on {@code side}; the target has the source's columns and key. */
    private static TableInfo table(Side side, TableMove move) {
        TableInfo source = move.source();
        return side == Side.SOURCE ? source
                : new TableInfo(move.target(), source.columns(), source.primaryKey(), source.estimatedRows(),
                source.sizeBytes(), source.secondaryIndexes());
    }

    private static List<String> strings(ResultSet rows, int first, int count) throws SQLException {
        List<String> values = new ArrayList<>(count);
        for (int i = first; i < first + count; i++) {
            values.add(rows.getString(i));
        }
        return values;
    }

    private <T> T query(Side side, String doing, ComparerConnections.Work<T> work) {
        try {
            return connections.with(side, work);
        } catch (SQLException e) {
            throw failure(side, doing, e);
        }
    }

    private static SafeshiftException failure(Side side, String doing, SQLException e) {
        if ("42P01".equals(e.getSQLState())) {
            return new SafeshiftException(SafeshiftException.Kind.UNSUPPORTED_TABLE, "the " + side.label()
                    + " database has no such table while " + doing + ": " + e.getMessage()
                    + ". Verification compares tables a migration has created; run the migration first.", e);
        }
        return new SafeshiftException(SafeshiftException.Kind.INTERNAL, "PostgreSQL failed on the " + side.label()
                + " while " + doing + ": " + e.getMessage()
                + (e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")"), e);
    }
}
