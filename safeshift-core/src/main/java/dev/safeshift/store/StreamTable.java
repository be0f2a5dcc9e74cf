package dev.safeshift.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** SQL for the {@code stream} table: where the change stream starts and how far it got. */
final class StreamTable {

    private final Connection connection;
    private final String schema;

    StreamTable(Connection connection, String schema) {
        this.connection = connection;
        this.schema = schema;
    }

    /**
     * Records the stream's slot, publication and start. Saving the same start again keeps the
     * reported progress; a different slot or start position begins a new stream, so progress is reset.
     */
    void save(long migrationId, String slot, String publication, String startPosition) throws SQLException {
        String stream = "saved";
        String same = stream + ".slot_name = EXCLUDED.slot_name AND " + stream + ".start_position = EXCLUDED.start_position";
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO " + table("stream") + " AS " + stream
                + " (migration_id, slot_name, publication_name, start_position) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (migration_id) DO UPDATE SET slot_name = EXCLUDED.slot_name,"
                + " publication_name = EXCLUDED.publication_name, start_position = EXCLUDED.start_position,"
                + " applied_position = CASE WHEN " + same + " THEN " + stream + ".applied_position END,"
                + " lag_bytes = CASE WHEN " + same + " THEN " + stream + ".lag_bytes END,"
                + " lag_millis = CASE WHEN " + same + " THEN " + stream + ".lag_millis END,"
                + " events_applied = CASE WHEN " + same + " THEN " + stream + ".events_applied ELSE 0 END,"
                + " reported_at = CASE WHEN " + same + " THEN " + stream + ".reported_at END")) {
            upsert.setLong(1, migrationId);
            upsert.setString(2, slot);
            upsert.setString(3, publication);
            upsert.setString(4, startPosition);
            upsert.executeUpdate();
        }
    }

    Optional<StreamState> find(long migrationId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT slot_name, publication_name, start_position,"
                + " applied_position, lag_bytes, lag_millis, events_applied, reported_at FROM " + table("stream")
                + " WHERE migration_id = ?")) {
            select.setLong(1, migrationId);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                return Optional.of(new StreamState(rows.getString("slot_name"), rows.getString("publication_name"),
                        rows.getString("start_position"), Rows.optionalString(rows, "applied_position"),
                        Rows.optionalLong(rows, "lag_bytes"), Rows.optionalLong(rows, "lag_millis"),
                        rows.getLong("events_applied"), Rows.optionalInstant(rows, "reported_at")));
            }
        }
    }

    /** Returns whether a stream was saved for the migration. */
    boolean report(long migrationId, String appliedPosition, long lagBytes, long lagMillis, long eventsApplied)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + table("stream")
                + " SET applied_position = ?, lag_bytes = ?, lag_millis = ?, events_applied = ?,"
                + " reported_at = clock_timestamp() WHERE migration_id = ?")) {
            update.setString(1, appliedPosition);
            update.setLong(2, lagBytes);
            update.setLong(3, lagMillis);
            update.setLong(4, eventsApplied);
            update.setLong(5, migrationId);
            return update.executeUpdate() == 1;
        }
    }

    private String table(String name) {
        return '"' + schema + "\"." + name;
    }
}
