package dev.safeshift.postgres;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.Checksum;
import dev.safeshift.engine.ColumnDifference;
import dev.safeshift.engine.KeyRange;
import dev.safeshift.engine.RowDigest;
import dev.safeshift.engine.Side;
import dev.safeshift.engine.TableComparer;
import dev.safeshift.engine.TableInfo;
import dev.safeshift.engine.TableMove;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.QualifiedName;
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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleConsumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checksums, digests and rows of PostgreSQL tables, computed by the server with the SQL of
 * {@link RowHash} and {@link RowNormalizer}. Both sides hash and print the source's compared
 * columns with the same SQL, built from the source's column types, and sort keys in one order
 * they share ({@link KeySort}). A range query walks the primary-key index, so a chunk costs what
 * its rows cost, and a sample reads only the sampled chunks.
 */
final class PostgresComparer implements TableComparer {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresComparer.class);

    /** Keys looked up per statement when fetching rows. */
    private static final int LOOKUP_BATCH = 500;

    private static final int MIN_VERSION = 14;

    private final ComparerConnections connections;
    private final int parallelism;
    private final Map<TableMove, Described> described = new ConcurrentHashMap<>();

    PostgresComparer(Endpoint source, Endpoint target, int parallelism) {
        this.connections = new ComparerConnections(source, target, parallelism);
        this.parallelism = parallelism;
    }

    /**
     * One table as both sides describe it, for the compared columns of a move.
     *
     * @param types       the source's types of the compared columns, in the compared order
     * @param rowHash     the row hash both sides compute
     * @param sorts       the key's order on the source and on the target, or empty when the
     *                    target's key columns differ from the source's and rows cannot be compared
     * @param differences how the target's columns differ from the compared ones
     */
    private record Described(List<ColumnType> types, String rowHash, Optional<List<KeySort>> sorts,
                             List<ColumnDifference> differences) {

        KeySort sort(Side side) {
            return sorts.orElseThrow(() -> new IllegalStateException("the key columns differ; rows cannot be compared"))
                    .get(side == Side.SOURCE ? 0 : 1);
        }

        List<ColumnType> key(List<String> primaryKey) {
            return primaryKey.stream().map(name -> types.stream().filter(t -> t.name().equals(name)).findFirst()
                    .orElseThrow()).toList();
        }
    }

    @Override
    public List<ColumnDifference> columnDifferences(TableMove move) {
        return describe(move).differences();
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
        long started = System.nanoTime();
        KeySort sort = describe(move).sort(Side.SOURCE);
        long described = System.nanoTime();
        List<KeyRange> chunks = query(Side.SOURCE, "planning the chunks of " + move.source().name(), connection ->
                ChunkPlanner.planForVerification(connection, move.source(), sort, rowsPerChunk, seed));
        LOG.debug("{}: both sides described in {} ms, chunk boundaries read in {} ms", move.source().name(),
                (described - started) / 1_000_000, (System.nanoTime() - described) / 1_000_000);
        return chunks;
    }

    @Override
    public Checksum checksum(Side side, TableMove move, KeyRange range) {
        TableInfo table = table(side, move);
        Described described = describe(move);
        String sql = "SELECT count(*), coalesce(sum(" + described.rowHash() + "), 0)::text FROM "
                + Sql.table(table.name()) + " WHERE " + KeyRanges.condition(table, described.sort(side), range);
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
        Described described = describe(move);
        KeySort sort = described.sort(side);
        String order = KeyRanges.orderBy(table, sort);
        String sql = "SELECT DISTINCT ON (safeshift_part) " + RowNormalizer.keyTexts(described.key(table.primaryKey()))
                + " FROM (SELECT " + Sql.columns(table.primaryKey()) + ", ntile(" + parts + ") OVER (ORDER BY " + order
                + ") AS safeshift_part FROM " + Sql.table(table.name()) + " WHERE "
                + KeyRanges.condition(table, sort, range) + ") AS numbered"
                + " WHERE safeshift_part > 1 ORDER BY safeshift_part, " + order;
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
        Described described = describe(move);
        KeySort sort = described.sort(side);
        StringBuilder part = new StringBuilder("CASE");
        for (int i = 0; i < splitKeys.size(); i++) {
            part.append(" WHEN ").append(KeyRanges.key(table, sort)).append(" < ")
                    .append(KeyRanges.values(table, splitKeys.get(i))).append(" THEN ").append(i);
        }
        part.append(" ELSE ").append(splitKeys.size()).append(" END");
        String sql = "SELECT " + part + " AS safeshift_part, count(*), coalesce(sum(" + described.rowHash()
                + "), 0)::text FROM " + Sql.table(table.name()) + " WHERE " + KeyRanges.condition(table, sort, range)
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
        Described described = describe(move);
        // Both sides are scanned at once, so each gets half the queries: the parallelism is what
        // runs at a time in all (and on one server, more queries than cores only slow each other).
        HeapPass pass = new HeapPass(connections, side, table, described.sort(side), described.rowHash(),
                Math.max(1, parallelism / 2));
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
        Described described = describe(move);
        int keyColumns = table.primaryKey().size();
        String sql = "SELECT " + RowNormalizer.keyTexts(described.key(table.primaryKey())) + ", " + described.rowHash()
                + " FROM " + Sql.table(table.name()) + " WHERE " + KeyRanges.condition(table, described.sort(side), range);
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
        Described described = describe(move);
        int keyColumns = table.primaryKey().size();
        int columns = table.columns().size();
        List<List<String>> all = List.copyOf(keys);
        Map<List<String>, List<String>> found = new HashMap<>();
        for (int from = 0; from < all.size(); from += LOOKUP_BATCH) {
            List<List<String>> batch = all.subList(from, Math.min(all.size(), from + LOOKUP_BATCH));
            // Looked up by equality in the key's own collation, so its index serves: a
            // deterministic collation's equality is byte equality whatever it sorts by.
            String sql = "SELECT " + RowNormalizer.keyTexts(described.key(table.primaryKey())) + ", "
                    + RowNormalizer.columnTexts(described.types()) + " FROM " + Sql.table(table.name()) + ", "
                    + RowNormalizer.columnTextsFrom(described.types()) + " WHERE " + KeyRanges.key(table) + " IN ("
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

    /**
     * Describes both sides of a table once, at the same time: each side's column types from its
     * own catalog, the row hash from the source's, the key order from both.
     */
    private Described describe(TableMove move) {
        return described.computeIfAbsent(move, m -> {
            CompletableFuture<List<ColumnType>> target = CompletableFuture.supplyAsync(() -> types(Side.TARGET, m.target()));
            List<ColumnType> source = types(Side.SOURCE, m.source().name());
            List<ColumnType> targetTypes;
            try {
                targetTypes = target.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
            return describe(m, source, targetTypes);
        });
    }

    private static Described describe(TableMove move, List<ColumnType> source, List<ColumnType> target) {
        Map<String, ColumnType> sourceByName = byName(source);
        Map<String, ColumnType> targetByName = byName(target);
        List<ColumnType> compared = new ArrayList<>();
        List<ColumnDifference> differences = new ArrayList<>();
        for (String name : move.source().columnNames()) {
            ColumnType column = sourceByName.get(name);
            if (column == null) {
                throw new SafeshiftException(SafeshiftException.Kind.UNSUPPORTED_TABLE, "the source table "
                        + move.source().name() + " has no column " + name + " any more. Run verify again.");
            }
            compared.add(column);
            ColumnType there = targetByName.get(name);
            if (there == null) {
                differences.add(ColumnDifference.missing(name, column.declared()));
            } else if (!there.declared().equals(column.declared())) {
                differences.add(ColumnDifference.retyped(name, column.declared(), there.declared()));
            }
        }
        for (ColumnType column : target) {
            if (!move.source().columnNames().contains(column.name())) {
                differences.add(ColumnDifference.extra(column.name(), column.declared()));
            }
        }
        List<String> key = move.source().primaryKey();
        boolean keysAlike = key.stream().allMatch(name -> targetByName.containsKey(name)
                && targetByName.get(name).declared().equals(sourceByName.get(name).declared()));
        Optional<List<KeySort>> sorts = keysAlike ? Optional.of(KeySort.forVerification(
                key.stream().map(sourceByName::get).toList(), key.stream().map(targetByName::get).toList()))
                : Optional.empty();
        String rowHash = RowHash.sql(compared, key);
        for (Side side : Side.values()) {
            LOG.debug("row hash of {} on {}: {}", table(side, move).name(), side.label(), rowHash);
        }
        return new Described(compared, rowHash, sorts, differences);
    }

    private static Map<String, ColumnType> byName(List<ColumnType> columns) {
        Map<String, ColumnType> byName = new HashMap<>();
        columns.forEach(column -> byName.put(column.name(), column));
        return byName;
    }

    private List<ColumnType> types(Side side, QualifiedName table) {
        return query(side, "reading the definition of " + table, connection -> {
            requireVersion(connection, side);
            return TypeCatalog.read(connection, table, side.label());
        });
    }

    /** The row hash and TID range scans need PostgreSQL 14. */
    private static void requireVersion(Connection connection, Side side) throws SQLException {
        int version = connection.getMetaData().getDatabaseMajorVersion();
        if (version < MIN_VERSION) {
            throw new SafeshiftException(SafeshiftException.Kind.SOURCE_NOT_READY, "verification needs PostgreSQL "
                    + MIN_VERSION + " or later on both sides (for hash_record_extended and scans by TID range); the "
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
