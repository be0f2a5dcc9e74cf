package dev.safeshift.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** SQL for the {@code chunk} table: the backfill plan and its checkpoints. */
final class ChunkTable {

    private final Connection connection;
    private final StoreDialect dialect;
    private final String schema;

    ChunkTable(Connection connection, StoreDialect dialect, String schema) {
        this.connection = connection;
        this.dialect = dialect;
        this.schema = schema;
    }

    /**
     * Stores the chunk plan table by table. A table that already has a finished chunk keeps its
     * stored plan: a restarted backfill must resume on the boundaries it checkpointed against.
     * Must run inside a transaction.
     */
    void save(long migrationId, List<ChunkRecord> chunks) throws SQLException {
        Map<String, List<ChunkRecord>> byTable = new LinkedHashMap<>();
        for (ChunkRecord chunk : chunks) {
            byTable.computeIfAbsent(chunk.table(), t -> new ArrayList<>()).add(chunk);
        }
        for (Map.Entry<String, List<ChunkRecord>> table : byTable.entrySet()) {
            if (hasFinishedChunk(migrationId, table.getKey())) {
                continue;
            }
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM " + table("chunk") + " WHERE migration_id = ? AND table_name = ?")) {
                delete.setLong(1, migrationId);
                delete.setString(2, table.getKey());
                delete.executeUpdate();
            }
            insert(migrationId, table.getValue());
        }
    }

    List<ChunkRecord> list(long migrationId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT table_name, chunk_no, lower_bound,"
                + " upper_bound, estimated_rows, done, rows_copied, finished_at FROM " + table("chunk")
                + " WHERE migration_id = ? ORDER BY table_name, chunk_no")) {
            select.setLong(1, migrationId);
            try (ResultSet rows = select.executeQuery()) {
                List<ChunkRecord> chunks = new ArrayList<>();
                while (rows.next()) {
                    chunks.add(new ChunkRecord(rows.getString("table_name"), rows.getInt("chunk_no"),
                            Optional.ofNullable(rows.getString("lower_bound")),
                            Optional.ofNullable(rows.getString("upper_bound")), rows.getLong("estimated_rows"),
                            rows.getBoolean("done"), rows.getLong("rows_copied"), Rows.optionalInstant(rows, "finished_at")));
                }
                return chunks;
            }
        }
    }

    /** Returns whether the chunk exists. */
    boolean markStarted(long migrationId, String tableName, int chunkNo) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + table("chunk")
                + " SET started_at = " + dialect.now() + " WHERE migration_id = ? AND table_name = ? AND chunk_no = ?")) {
            update.setLong(1, migrationId);
            update.setString(2, tableName);
            update.setInt(3, chunkNo);
            return update.executeUpdate() == 1;
        }
    }

    /** Returns whether the chunk exists. */
    boolean markDone(long migrationId, String tableName, int chunkNo, long rowsCopied) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + table("chunk")
                + " SET done = true, rows_copied = ?, finished_at = " + dialect.now()
                + " WHERE migration_id = ? AND table_name = ? AND chunk_no = ?")) {
            update.setLong(1, rowsCopied);
            update.setLong(2, migrationId);
            update.setString(3, tableName);
            update.setInt(4, chunkNo);
            return update.executeUpdate() == 1;
        }
    }

    private boolean hasFinishedChunk(long migrationId, String tableName) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT EXISTS (SELECT 1 FROM " + table("chunk")
                + " WHERE migration_id = ? AND table_name = ? AND done)")) {
            select.setLong(1, migrationId);
            select.setString(2, tableName);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        }
    }

    private void insert(long migrationId, List<ChunkRecord> chunks) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table("chunk")
                + " (migration_id, table_name, chunk_no, lower_bound, upper_bound, estimated_rows, done, rows_copied)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (ChunkRecord chunk : chunks) {
                insert.setLong(1, migrationId);
                insert.setString(2, chunk.table());
                insert.setInt(3, chunk.chunkNo());
                setOptional(insert, 4, chunk.lowerInclusive());
                setOptional(insert, 5, chunk.upperExclusive());
                insert.setLong(6, chunk.estimatedRows());
                insert.setBoolean(7, chunk.done());
                insert.setLong(8, chunk.rowsCopied());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static void setOptional(PreparedStatement statement, int index, Optional<String> value) throws SQLException {
        if (value.isPresent()) {
            statement.setString(index, value.get());
        } else {
            statement.setNull(index, Types.VARCHAR);
        }
    }

    private String table(String name) {
        return dialect.table(schema, name);
    }
}
