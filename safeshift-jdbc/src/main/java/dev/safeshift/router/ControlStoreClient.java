package dev.safeshift.router;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The router's SQL against the control store (the tables {@code route}, {@code router} and
 * {@code router_sample} that Safeshift's store schema creates). It keeps one connection and opens a
 * new one after a failure.
 */
final class ControlStoreClient implements AutoCloseable {

    /**
     * The route a router follows, as read at one moment.
     *
     * @param migrationFound whether the store holds the migration at all
     * @param pauseExpired   whether this is the route a pause resumed to because its lease ran out
     *                       (the switch that set it did not finish in time)
     */
    record RouteRead(Route route, long epoch, boolean migrationFound, boolean pauseExpired) {
    }

    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final DataSource control;
    private final String schema;
    private final String migration;
    private final String instance;
    private Connection connection;

    ControlStoreClient(DataSource control, String schema, String migration, String instance) {
        if (!SCHEMA.matcher(schema).matches()) {
            throw new IllegalArgumentException("'" + schema + "' is not a control store schema name (lower-case"
                    + " letters, digits and underscores, as in the plan's control.schema)");
        }
        this.control = control;
        this.schema = schema;
        this.migration = migration;
        this.instance = instance;
    }

    RouteRead readRoute() throws SQLException {
        // An expired pause is decided by the store's clock, the one that set the lease.
        try (PreparedStatement select = connection().prepareStatement("SELECT r.route, r.epoch, r.resume_to,"
                + " r.route = 'PAUSED' AND r.paused_until <= clock_timestamp() FROM " + table("migration") + " m"
                + " LEFT JOIN " + table("route") + " r ON r.migration_id = m.id WHERE m.name = ?")) {
            select.setString(1, migration);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return new RouteRead(Route.SOURCE, 0, false, false);
                }
                String route = rows.getString(1);
                if (route == null) {
                    return new RouteRead(Route.SOURCE, 0, true, false);
                }
                boolean expired = rows.getBoolean(4);
                return new RouteRead(Route.valueOf(expired ? rows.getString(3) : route), rows.getLong(2), true, expired);
            }
        } catch (SQLException | RuntimeException e) {
            discardConnection();
            throw e;
        }
    }

    /** Reports what the router has seen and holds; nothing when the migration is not in the store. */
    void report(RouteGate.Snapshot seen) throws SQLException {
        try (PreparedStatement upsert = connection().prepareStatement("INSERT INTO " + table("router")
                + " (migration_id, instance, seen_route, seen_epoch, source_in_flight, target_in_flight, held)"
                + " SELECT id, ?, ?, ?, ?, ?, ? FROM " + table("migration") + " WHERE name = ?"
                + " ON CONFLICT (migration_id, instance) DO UPDATE SET seen_route = EXCLUDED.seen_route,"
                + " seen_epoch = EXCLUDED.seen_epoch, source_in_flight = EXCLUDED.source_in_flight,"
                + " target_in_flight = EXCLUDED.target_in_flight, held = EXCLUDED.held, reported_at = clock_timestamp()")) {
            upsert.setString(1, instance);
            upsert.setString(2, seen.route().name());
            upsert.setLong(3, seen.epoch());
            upsert.setInt(4, seen.sourceInFlight());
            upsert.setInt(5, seen.targetInFlight());
            upsert.setInt(6, seen.held());
            upsert.setString(7, migration);
            upsert.executeUpdate();
        } catch (SQLException | RuntimeException e) {
            discardConnection();
            throw e;
        }
    }

    /** Stores one interval's samples; the interval ends now by the store's clock and lasted {@code intervalMillis}. */
    void publish(List<PatternSample> samples, long intervalMillis) throws SQLException {
        if (samples.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection().prepareStatement("INSERT INTO " + table("router_sample")
                + " (migration_id, instance, side, pattern_id, pattern, interval_start, interval_end, calls, errors, latency)"
                + " SELECT id, ?, ?, ?, ?, clock_timestamp() - make_interval(secs => ?), clock_timestamp(), ?, ?, ?"
                + " FROM " + table("migration") + " WHERE name = ?")) {
            for (PatternSample sample : samples) {
                insert.setString(1, instance);
                insert.setString(2, sample.side().name());
                insert.setString(3, sample.pattern().id());
                insert.setString(4, sample.pattern().text());
                insert.setDouble(5, intervalMillis / 1000.0);
                insert.setLong(6, sample.calls());
                insert.setLong(7, sample.errors());
                insert.setBytes(8, compressed(sample));
                insert.setString(9, migration);
                insert.addBatch();
            }
            insert.executeBatch();
        } catch (SQLException | RuntimeException e) {
            discardConnection();
            throw e;
        }
    }

    /** Removes the router's report, so that a cutover does not wait for a router that is gone. */
    void forget() throws SQLException {
        try (PreparedStatement delete = connection().prepareStatement("DELETE FROM " + table("router")
                + " WHERE instance = ? AND migration_id IN (SELECT id FROM " + table("migration") + " WHERE name = ?)")) {
            delete.setString(1, instance);
            delete.setString(2, migration);
            delete.executeUpdate();
        }
    }

    private static byte[] compressed(PatternSample sample) {
        ByteBuffer buffer = ByteBuffer.allocate(sample.latencyMicros().getNeededByteBufferCapacity());
        int length = sample.latencyMicros().encodeIntoCompressedByteBuffer(buffer);
        byte[] bytes = new byte[length];
        buffer.flip();
        buffer.get(bytes);
        return bytes;
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            Connection opened = control.getConnection();
            opened.setAutoCommit(true);
            connection = opened;
        }
        return connection;
    }

    private void discardConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // it failed already; a new one is opened on the next call
            }
            connection = null;
        }
    }

    private String table(String name) {
        return '"' + schema + "\"." + name;
    }

    @Override
    public void close() {
        discardConnection();
    }
}
