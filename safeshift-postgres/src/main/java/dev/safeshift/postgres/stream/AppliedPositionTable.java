package dev.safeshift.postgres.stream;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code safeshift.applied_position} in the target database: how far each capture's changes have
 * been applied. It is written in the same target transaction as the changes, so after a crash it
 * says exactly which replayed source transactions are already in the target.
 */
public final class AppliedPositionTable {

    static final String TABLE = "safeshift.applied_position";

    private AppliedPositionTable() {
    }

    /**
     * The last applied source transaction of a capture.
     *
     * @param commitLsn     end of that transaction's commit record in the source log
     * @param eventLsn      position of the last row change applied
     * @param eventsApplied row changes applied for this capture, over all runs
     */
    record AppliedPosition(long commitLsn, long eventLsn, long eventsApplied, Instant appliedAt) {
    }

    public static void ensureExists(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA IF NOT EXISTS safeshift");
            statement.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " ("
                    + "capture_name text PRIMARY KEY, "
                    + "commit_lsn bigint NOT NULL, "
                    + "event_lsn bigint NOT NULL, "
                    + "events_applied bigint NOT NULL, "
                    + "applied_at timestamptz NOT NULL)");
        }
    }

    static Optional<AppliedPosition> read(Connection connection, String captureName) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT commit_lsn, event_lsn, events_applied, applied_at FROM " + TABLE + " WHERE capture_name = ?")) {
            statement.setString(1, captureName);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                return Optional.of(new AppliedPosition(rows.getLong(1), rows.getLong(2), rows.getLong(3),
                        rows.getTimestamp(4).toInstant()));
            }
        }
    }

    /** Removes the capture's position (abort), so nothing of a new migration is ever skipped for it. */
    public static void forget(Connection connection, String captureName) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT to_regclass('" + TABLE + "') IS NOT NULL")) {
            rows.next();
            if (!rows.getBoolean(1)) {
                return;
            }
        }
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + TABLE + " WHERE capture_name = ?")) {
            delete.setString(1, captureName);
            delete.executeUpdate();
        }
    }

    /** Records {@code position} inside the caller's open transaction. */
    static void write(Connection connection, String captureName, AppliedPosition position) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("INSERT INTO " + TABLE
                + " (capture_name, commit_lsn, event_lsn, events_applied, applied_at) VALUES (?, ?, ?, ?, ?) "
                + "ON CONFLICT (capture_name) DO UPDATE SET commit_lsn = EXCLUDED.commit_lsn, "
                + "event_lsn = EXCLUDED.event_lsn, events_applied = EXCLUDED.events_applied, "
                + "applied_at = EXCLUDED.applied_at")) {
            statement.setString(1, captureName);
            statement.setLong(2, position.commitLsn());
            statement.setLong(3, position.eventLsn());
            statement.setLong(4, position.eventsApplied());
            statement.setTimestamp(5, Timestamp.from(position.appliedAt()));
            statement.executeUpdate();
        }
    }
}
