package dev.safeshift.postgres;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.CaptureStart;
import dev.safeshift.engine.SourceIdentity;
import dev.safeshift.engine.TableMove;
import dev.safeshift.jdbc.Connections;
import dev.safeshift.plan.Endpoint;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.ReplicationSlotInfo;

/**
 * The publication and logical replication slot a move reads changes from, both named after the
 * capture. The slot is created on a replication connection that exports a snapshot: readers that
 * import it see the source exactly as of the slot's start, so backfill and stream meet without a
 * gap or an overlap.
 */
final class Capture {

    private Capture() {
    }

    static CaptureStart start(Endpoint source, String name, List<TableMove> moves) throws SQLException {
        try (Connection connection = Connections.open(source, "source");
             Statement statement = connection.createStatement()) {
            String tables = moves.stream().map(m -> Sql.table(m.source().name())).collect(Collectors.joining(", "));
            statement.execute("DROP PUBLICATION IF EXISTS " + Sql.ident(name));
            // Changes of a partitioned table's partitions are published as the table's own (so they
            // reach the stream under the moved table's name) from the start: turning this on later
            // would not send again what was published before.
            boolean viaRoot = Catalog.serverVersion(connection) >= 130000;
            statement.execute("CREATE PUBLICATION " + Sql.ident(name) + " FOR TABLE " + tables
                    + (viaRoot ? " WITH (publish_via_partition_root = true)" : ""));
        }
        Connection replication = openReplication(source);
        try {
            ReplicationSlotInfo slot = replication.unwrap(PGConnection.class).getReplicationAPI()
                    .createReplicationSlot().logical()
                    .withSlotName(name)
                    .withOutputPlugin("pgoutput")
                    .make();
            return new HeldSnapshot(replication, slot.getConsistentPoint().asString(), slot.getSnapshotName());
        } catch (SQLException e) {
            closeQuietly(replication);
            if ("42710".equals(e.getSQLState())) {
                throw new SafeshiftException(SafeshiftException.Kind.IN_USE,
                        "a replication slot named " + name + " already exists on the source, and this migration did not "
                                + "create it. Another Safeshift run or another tool may be using it. If it is a leftover, "
                                + "drop it with SELECT pg_drop_replication_slot('" + name + "'), or run safeshift abort.", e);
            }
            throw e;
        }
    }

    /**
     * The source server's system identifier and the database, from the replication protocol's
     * IDENTIFY_SYSTEM, which any role that may create slots may run (pg_control_system() may not be
     * granted to it). A streaming replica reports its primary's identifier, but slots cannot be
     * created there anyway.
     */
    static SourceIdentity identify(Endpoint source) throws SQLException {
        try (Connection replication = openReplication(source);
             Statement statement = replication.createStatement();
             ResultSet rows = statement.executeQuery("IDENTIFY_SYSTEM")) {
            rows.next();
            return new SourceIdentity(rows.getString("systemid"), rows.getString("dbname"));
        }
    }

    /** A snapshot of the source as of now, held open by a transaction until closed. */
    static CaptureStart freshSnapshot(Endpoint source) throws SQLException {
        Connection connection = Connections.open(source, "source");
        try {
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT pg_export_snapshot(), pg_current_wal_lsn()::text")) {
                rows.next();
                return new HeldSnapshot(connection, rows.getString(2), rows.getString(1));
            }
        } catch (SQLException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    /** Write-ahead log the source keeps for the slot: from its restart position to the current end. */
    static java.util.OptionalLong retainedLog(Connection source, String name) throws SQLException {
        try (PreparedStatement statement = source.prepareStatement("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(),"
                + " restart_lsn)::bigint FROM pg_replication_slots WHERE slot_name = ? AND database = current_database()")) {
            statement.setString(1, name);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return java.util.OptionalLong.empty();
                }
                long bytes = rows.getLong(1);
                return rows.wasNull() ? java.util.OptionalLong.of(0) : java.util.OptionalLong.of(Math.max(0, bytes));
            }
        }
    }

    static boolean exists(Connection source, String name) throws SQLException {
        try (PreparedStatement statement = source.prepareStatement(
                "SELECT 1 FROM pg_replication_slots WHERE slot_name = ? AND database = current_database()")) {
            statement.setString(1, name);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        }
    }

    static void drop(Connection source, String name) throws SQLException {
        try (PreparedStatement active = source.prepareStatement(
                "SELECT active_pid FROM pg_replication_slots WHERE slot_name = ? AND active")) {
            active.setString(1, name);
            try (ResultSet rows = active.executeQuery()) {
                if (rows.next()) {
                    throw new SafeshiftException(SafeshiftException.Kind.IN_USE,
                            "the replication slot " + name + " is in use by process " + rows.getInt(1)
                                    + " (probably a running safeshift daemon). Stop it first with safeshift stop.");
                }
            }
        }
        try (PreparedStatement statement = source.prepareStatement(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?")) {
            statement.setString(1, name);
            statement.execute();
        }
        try (Statement statement = source.createStatement()) {
            statement.execute("DROP PUBLICATION IF EXISTS " + Sql.ident(name));
        }
    }

    private static Connection openReplication(Endpoint source) {
        Properties properties = new Properties();
        PGProperty.REPLICATION.set(properties, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(properties, "10");
        PGProperty.PREFER_QUERY_MODE.set(properties, "simple");
        return Connections.open(source, "source", properties);
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // already failing; the original error is the one to report
        }
    }

    /** Keeps the connection that owns an exported snapshot open, and idle, until closed. */
    private record HeldSnapshot(Connection connection, String position, ExportedSnapshot snapshot)
            implements CaptureStart {

        HeldSnapshot(Connection connection, String position, String snapshotId) {
            this(connection, position, new ExportedSnapshot(snapshotId));
        }

        @Override
        public void close() {
            closeQuietly(connection);
        }
    }
}
