package dev.safeshift.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** SQL for the append-only, hash-chained {@code timeline} table. */
final class TimelineTable {

    private static final String COLUMNS = "seq, at, kind, actor, detail, previous_hash, hash";

    private final Connection connection;
    private final StoreDialect dialect;
    private final String schema;

    TimelineTable(Connection connection, StoreDialect dialect, String schema) {
        this.connection = connection;
        this.dialect = dialect;
        this.schema = schema;
    }

    /**
     * Appends one event. Must run inside a transaction that holds the migration row's lock
     * ({@link MigrationTable#lock}): the chain head read here stays valid until commit.
     */
    TimelineEvent append(long migrationId, String kind, String actor, String detail) throws SQLException {
        ChainHead head = head(migrationId);
        long seq = head.seq() + 1;
        String previousHash = head.hash();
        // Read after the lock was taken, so events' times never go backwards along the chain.
        Instant at = databaseNow();
        String hash = TimelineHash.of(previousHash, seq, at, kind, actor, detail);
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table("timeline")
                + " (migration_id, " + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setLong(1, migrationId);
            insert.setLong(2, seq);
            insert.setObject(3, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
            insert.setString(4, kind);
            insert.setString(5, actor);
            insert.setString(6, detail);
            insert.setString(7, previousHash);
            insert.setString(8, hash);
            insert.executeUpdate();
        }
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE " + table("migration") + " SET timeline_seq = ?, timeline_hash = ? WHERE id = ?")) {
            update.setLong(1, seq);
            update.setString(2, hash);
            update.setLong(3, migrationId);
            update.executeUpdate();
        }
        return new TimelineEvent(seq, at, kind, actor, detail, previousHash, hash);
    }

    List<TimelineEvent> all(long migrationId) throws SQLException {
        return query("SELECT " + COLUMNS + " FROM " + table("timeline") + " WHERE migration_id = ? ORDER BY seq",
                migrationId, Integer.MAX_VALUE);
    }

    /** The last {@code count} events, oldest first. */
    List<TimelineEvent> recent(long migrationId, int count) throws SQLException {
        List<TimelineEvent> newestFirst = query("SELECT " + COLUMNS + " FROM " + table("timeline")
                + " WHERE migration_id = ? ORDER BY seq DESC LIMIT ?", migrationId, count);
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    ChainCheck verify(long migrationId) throws SQLException {
        List<TimelineEvent> events = all(migrationId);
        ChainHead head = head(migrationId);
        return TimelineHash.verify(events, head.seq(), head.hash());
    }

    /** The last event's seq and hash as recorded on the migration row (seq 0 before any event). */
    private ChainHead head(long migrationId) throws SQLException {
        try (PreparedStatement head = connection.prepareStatement(
                "SELECT timeline_seq, timeline_hash FROM " + table("migration") + " WHERE id = ?")) {
            head.setLong(1, migrationId);
            try (ResultSet rows = head.executeQuery()) {
                if (!rows.next()) {
                    throw MigrationTable.unknown(migrationId);
                }
                return new ChainHead(rows.getLong(1), rows.getString(2));
            }
        }
    }

    private record ChainHead(long seq, String hash) {
    }

    Instant databaseNow() throws SQLException {
        try (PreparedStatement now = connection.prepareStatement("SELECT " + dialect.now());
             ResultSet rows = now.executeQuery()) {
            rows.next();
            return rows.getObject(1, OffsetDateTime.class).toInstant();
        }
    }

    private List<TimelineEvent> query(String sql, long migrationId, int limit) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setLong(1, migrationId);
            if (limit != Integer.MAX_VALUE) {
                select.setInt(2, limit);
            }
            try (ResultSet rows = select.executeQuery()) {
                List<TimelineEvent> events = new ArrayList<>();
                while (rows.next()) {
                    events.add(new TimelineEvent(rows.getLong("seq"), Rows.instant(rows, "at"), rows.getString("kind"),
                            rows.getString("actor"), rows.getString("detail"), rows.getString("previous_hash"),
                            rows.getString("hash")));
                }
                return events;
            }
        }
    }

    private String table(String name) {
        return dialect.table(schema, name);
    }
}
