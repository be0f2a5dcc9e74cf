package dev.safeshift.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * SQL for the {@code stream} table: per migration and {@link Direction}, the capture it owns, where its
 * stream starts and how far it got.
 */
final class StreamTable {

    private final Connection connection;
    private final StoreDialect dialect;
    private final String schema;

    StreamTable(Connection connection, StoreDialect dialect, String schema) {
        this.connection = connection;
        this.dialect = dialect;
        this.schema = schema;
    }

    /**
     * Records the slot and publication a migration is about to create, and the server they will live
     * on, before they exist: a new capture, so any earlier start position and progress are cleared.
     */
    void recordCapture(long migrationId, Direction direction, String slot, String publication, Optional<String> sourceSystemId,
                       Optional<String> sourceDatabase) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement(dialect.recordCapture(table("stream")))) {
            upsert.setLong(1, migrationId);
            upsert.setString(2, direction.stored());
            upsert.setString(3, slot);
            upsert.setString(4, publication);
            upsert.setString(5, sourceSystemId.orElse(null));
            upsert.setString(6, sourceDatabase.orElse(null));
            upsert.executeUpdate();
        }
    }

    /** Sets where the recorded capture's stream starts, once its slot exists. Returns whether one was recorded. */
    boolean started(long migrationId, Direction direction, String startPosition) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + table("stream")
                + " SET start_position = ? WHERE migration_id = ? AND direction = ?")) {
            update.setString(1, startPosition);
            update.setLong(2, migrationId);
            update.setString(3, direction.stored());
            return update.executeUpdate() == 1;
        }
    }

    Optional<StreamState> find(long migrationId, Direction direction) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT slot_name, publication_name, start_position,"
                + " applied_position, lag_bytes, lag_millis, events_applied, reported_at, source_system_id,"
                + " source_database, retained_wal_bytes FROM " + table("stream") + " WHERE migration_id = ? AND direction = ?")) {
            select.setLong(1, migrationId);
            select.setString(2, direction.stored());
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                return Optional.of(new StreamState(rows.getString("slot_name"), rows.getString("publication_name"),
                        Rows.optionalString(rows, "start_position"), Rows.optionalString(rows, "applied_position"),
                        Rows.optionalLong(rows, "lag_bytes"), Rows.optionalLong(rows, "lag_millis"),
                        rows.getLong("events_applied"), Rows.optionalInstant(rows, "reported_at"),
                        Rows.optionalString(rows, "source_system_id"), Rows.optionalString(rows, "source_database"),
                        Rows.optionalLong(rows, "retained_wal_bytes")));
            }
        }
    }

    /** Returns whether a stream was recorded for the migration. */
    boolean report(long migrationId, Direction direction, String appliedPosition, long lagBytes, long lagMillis, long eventsApplied,
                   OptionalLong retainedWalBytes) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + table("stream")
                + " SET applied_position = ?, lag_bytes = ?, lag_millis = ?, events_applied = ?,"
                + " retained_wal_bytes = coalesce(?, retained_wal_bytes), reported_at = " + dialect.now()
                + " WHERE migration_id = ? AND direction = ?")) {
            update.setString(1, appliedPosition);
            update.setLong(2, lagBytes);
            update.setLong(3, lagMillis);
            update.setLong(4, eventsApplied);
            if (retainedWalBytes.isPresent()) {
                update.setLong(5, retainedWalBytes.getAsLong());
            } else {
                update.setNull(5, Types.BIGINT);
            }
            update.setLong(6, migrationId);
            update.setString(7, direction.stored());
            return update.executeUpdate() == 1;
        }
    }

    /** Records only the retained write-ahead log, e.g. while the backfill runs and nothing is applied yet. */
    void reportRetainedWal(long migrationId, Direction direction, long retainedWalBytes) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + table("stream")
                + " SET retained_wal_bytes = ? WHERE migration_id = ? AND direction = ?")) {
            update.setLong(1, retainedWalBytes);
            update.setLong(2, migrationId);
            update.setString(3, direction.stored());
            update.executeUpdate();
        }
    }

    private String table(String name) {
        return dialect.table(schema, name);
    }
}
