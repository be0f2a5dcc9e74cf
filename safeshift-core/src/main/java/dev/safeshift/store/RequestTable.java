package dev.safeshift.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL for the {@code request} table: what short-lived commands ask the daemon to do. */
final class RequestTable {

    /** What {@link #complete} found. */
    enum Completion { COMPLETED, ALREADY_HANDLED, UNKNOWN }

    private final Connection connection;
    private final StoreDialect dialect;
    private final String schema;

    RequestTable(Connection connection, StoreDialect dialect, String schema) {
        this.connection = connection;
        this.dialect = dialect;
        this.schema = schema;
    }

    long insert(long migrationId, String kind, String requestedBy, String payload) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table("request")
                + " (migration_id, kind, requested_by, payload) VALUES (?, ?, ?, ?) RETURNING id")) {
            insert.setLong(1, migrationId);
            insert.setString(2, kind);
            insert.setString(3, requestedBy);
            insert.setString(4, payload);
            try (ResultSet rows = insert.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** Unhandled requests, oldest first. */
    List<Request> pending(long migrationId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT id, kind, requested_by, requested_at, payload"
                + " FROM " + table("request") + " WHERE migration_id = ? AND handled_at IS NULL ORDER BY id")) {
            select.setLong(1, migrationId);
            try (ResultSet rows = select.executeQuery()) {
                List<Request> requests = new ArrayList<>();
                while (rows.next()) {
                    requests.add(new Request(rows.getLong("id"), rows.getString("kind"), rows.getString("requested_by"),
                            Rows.instant(rows, "requested_at"), rows.getString("payload")));
                }
                return requests;
            }
        }
    }

    /** Marks the request handled. The first outcome stands: handling a request twice changes nothing. */
    Completion complete(long requestId, String outcome) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + table("request")
                + " SET handled_at = " + dialect.now() + ", outcome = ? WHERE id = ? AND handled_at IS NULL")) {
            update.setString(1, outcome);
            update.setLong(2, requestId);
            if (update.executeUpdate() == 1) {
                return Completion.COMPLETED;
            }
        }
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT 1 FROM " + table("request") + " WHERE id = ?")) {
            select.setLong(1, requestId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Completion.ALREADY_HANDLED : Completion.UNKNOWN;
            }
        }
    }

    /** The outcome of a handled request; empty while it waits, or when there is no such request. */
    Optional<String> outcome(long requestId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT outcome FROM " + table("request")
                + " WHERE id = ? AND handled_at IS NOT NULL")) {
            select.setLong(1, requestId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
            }
        }
    }

    private String table(String name) {
        return dialect.table(schema, name);
    }
}
