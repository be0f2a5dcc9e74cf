package dev.safeshift.store;

import dev.safeshift.SafeshiftException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/** SQL for the {@code migration} and {@code phase_change} tables, and for purging a migration. */
final class MigrationTable {

    private static final String COLUMNS = "id, name, phase, created_at, updated_at, daemon, heartbeat_at, daemon_ended_at";

    private final Connection connection;
    private final StoreDialect dialect;
    private final String schema;

    MigrationTable(Connection connection, StoreDialect dialect, String schema) {
        this.connection = connection;
        this.dialect = dialect;
        this.schema = schema;
    }

    /** Inserts the migration unless one of that name exists; either way returns the stored row. */
    MigrationRecord register(String name, String planJson) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(dialect.registerMigration(table("migration"), COLUMNS))) {
            insert.setString(1, name);
            insert.setString(2, Phase.PLANNED.name());
            insert.setString(3, planJson);
            try (ResultSet rows = insert.executeQuery()) {
                if (rows.next()) {
                    return record(rows);
                }
            }
        }
        return find(name).orElseThrow(() -> new IllegalStateException("migration " + name + " vanished while registering"));
    }

    Optional<MigrationRecord> find(String name) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM " + table("migration") + " WHERE name = ?")) {
            select.setString(1, name);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(record(rows)) : Optional.empty();
            }
        }
    }

    Optional<String> planJson(long migrationId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT plan_json FROM " + table("migration") + " WHERE id = ?")) {
            select.setLong(1, migrationId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
            }
        }
    }

    void replacePlan(long migrationId, String planJson) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE " + table("migration") + " SET plan_json = ?, updated_at = " + dialect.now() + " WHERE id = ?")) {
            update.setString(1, planJson);
            update.setLong(2, migrationId);
            if (update.executeUpdate() != 1) {
                throw unknown(migrationId);
            }
        }
    }

    /**
     * Locks the migration row until the transaction ends and returns its phase. Everything that
     * changes a migration's history (phases, timeline) goes through this lock, so concurrent
     * writers, in this process or another, take turns.
     */
    Phase lock(long migrationId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT phase FROM " + table("migration") + " WHERE id = ? FOR UPDATE")) {
            select.setLong(1, migrationId);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    throw unknown(migrationId);
                }
                return phase(rows.getString(1));
            }
        }
    }

    void changePhase(long migrationId, Phase from, Phase to, String detail) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE " + table("migration") + " SET phase = ?, updated_at = " + dialect.now() + " WHERE id = ?")) {
            update.setString(1, to.name());
            update.setLong(2, migrationId);
            update.executeUpdate();
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table("phase_change")
                + " (migration_id, from_phase, to_phase, detail) VALUES (?, ?, ?, ?)")) {
            insert.setLong(1, migrationId);
            insert.setString(2, from.name());
            insert.setString(3, to.name());
            insert.setString(4, detail);
            insert.executeUpdate();
        }
    }

    /** A running daemon's sign of life; the first one also names the daemon and clears its end. */
    void heartbeat(long migrationId, String daemon) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + table("migration")
                + " SET daemon = ?, heartbeat_at = " + dialect.now() + ", daemon_ended_at = NULL WHERE id = ?")) {
            update.setString(1, daemon);
            update.setLong(2, migrationId);
            if (update.executeUpdate() != 1) {
                throw unknown(migrationId);
            }
        }
    }

    /** The daemon ended by itself: it no longer runs, as of now. */
    void daemonEnded(long migrationId) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + table("migration")
                + " SET daemon_ended_at = " + dialect.now() + " WHERE id = ?")) {
            update.setLong(1, migrationId);
            update.executeUpdate();
        }
    }

    /** Deletes every row of the migration. Must run inside a transaction. */
    void purge(long migrationId) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            // Lets the timeline's append-only trigger accept these deletes, for this transaction only.
            statement.execute(dialect.allowPurge());
        }
        for (String child : new String[] {"timeline", "verification", "chunk", "stream", "request", "phase_change",
                "route", "router", "router_sample", "trigger_baseline", "trigger_evaluation", "migration"}) {
            String key = child.equals("migration") ? "id" : "migration_id";
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM " + table(child) + " WHERE " + key + " = ?")) {
                delete.setLong(1, migrationId);
                delete.executeUpdate();
            }
        }
    }

    static SafeshiftException unknown(long migrationId) {
        return new SafeshiftException(SafeshiftException.Kind.STATE,
                "no migration with id " + migrationId + " in the control store (was it aborted?)");
    }

    private static MigrationRecord record(ResultSet rows) throws SQLException {
        return new MigrationRecord(rows.getLong("id"), rows.getString("name"), phase(rows.getString("phase")),
                Rows.instant(rows, "created_at"), Rows.instant(rows, "updated_at"), Rows.optionalString(rows, "daemon"),
                Rows.optionalInstant(rows, "heartbeat_at"), Rows.optionalInstant(rows, "daemon_ended_at"));
    }

    private static Phase phase(String stored) {
        try {
            return Phase.valueOf(stored);
        } catch (IllegalArgumentException e) {
            throw new SafeshiftException(SafeshiftException.Kind.STATE, "the control store records phase " + stored
                    + ", which this version of Safeshift does not know. Use the Safeshift version that wrote it, or newer.");
        }
    }

    private String table(String name) {
        return dialect.table(schema, name);
    }
}
