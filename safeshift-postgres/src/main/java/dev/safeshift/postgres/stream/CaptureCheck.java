package dev.safeshift.postgres.stream;

import dev.safeshift.SafeshiftException;
import dev.safeshift.SafeshiftException.Kind;
import dev.safeshift.engine.TableMove;
import dev.safeshift.plan.Endpoint;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Checks on the source before the stream attaches, so that the usual mistakes get a message that
 * names the slot and says what to do, instead of a connector stack trace after a minute of retries.
 */
final class CaptureCheck {

    private CaptureCheck() {
    }

    /** The replication slot as {@code pg_replication_slots} shows it. */
    record SlotState(boolean active, Optional<Integer> activePid, String plugin, String database,
                     Optional<String> confirmedFlush) {
    }

    static Optional<SlotState> slot(Connection source, String slotName) throws SQLException {
        try (PreparedStatement statement = source.prepareStatement("SELECT active, active_pid, plugin, database, "
                + "confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = ?")) {
            statement.setString(1, slotName);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                int pid = rows.getInt(2);
                return Optional.of(new SlotState(rows.getBoolean(1), rows.wasNull() ? Optional.empty() : Optional.of(pid),
                        rows.getString(3), rows.getString(4), Optional.ofNullable(rows.getString(5))));
            }
        }
    }

    /**
     * Verifies slot and publication, waiting up to {@code releaseWait} for a slot still held by a
     * stream that is going away (a stopped stream's server process can take a moment to exit).
     */
    static void verify(Connection source, Endpoint endpoint, String captureName, List<TableMove> moves,
                       Duration releaseWait, BooleanSupplier cancelled) throws SQLException, InterruptedException {
        String database = source.getCatalog();
        SlotState slot = slot(source, captureName).orElseThrow(() -> new SafeshiftException(Kind.SOURCE_NOT_READY,
                "Replication slot '" + captureName + "' does not exist on the source " + endpoint.redactedUrl()
                        + ". The change stream attaches to the slot created when the move started; "
                        + "if it was dropped, the move has to start over from a new capture."));
        if (!"pgoutput".equals(slot.plugin()) || !database.equals(slot.database())) {
            throw new SafeshiftException(Kind.SOURCE_NOT_READY, "Replication slot '" + captureName + "' uses plugin '"
                    + slot.plugin() + "' in database '" + slot.database() + "', but the stream needs a pgoutput slot in '"
                    + database + "'. Drop it or choose another capture name.");
        }
        long deadline = System.nanoTime() + releaseWait.toNanos();
        while (slot.active() && System.nanoTime() < deadline && !cancelled.getAsBoolean()) {
            Thread.sleep(250);
            slot = slot(source, captureName).orElse(slot);
        }
        if (slot.active()) {
            throw slotInUse(captureName, endpoint, slot.activePid().map(pid -> describeHolder(source, pid)).orElse(""));
        }
        checkPublication(source, endpoint, captureName, moves);
    }

    /**
     * A partitioned table's changes reach the stream as its own when the publication includes it with
     * publish_via_partition_root; depending on the server version, pg_publication_tables then lists
     * the table or its partitions. A publication without that option sends the changes under the
     * partitions' names, which the stream does not read: such a capture cannot be mended (turning the
     * option on later does not send again what was published before), so the move starts over.
     */
    private static boolean publishedAsPartitionRoot(Connection source, Endpoint endpoint, String captureName,
                                                    TableMove move) throws SQLException {
        if (source.getMetaData().getDatabaseMajorVersion() < 13) {
            return false;
        }
        try (PreparedStatement statement = source.prepareStatement("""
                SELECT p.pubviaroot, EXISTS (SELECT 1 FROM pg_publication_rel r WHERE r.prpubid = p.oid AND r.prrelid = c.oid)
                  FROM pg_publication p, pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE p.pubname = ? AND n.nspname = ? AND c.relname = ? AND c.relkind = 'p'""")) {
            statement.setString(1, captureName);
            statement.setString(2, move.source().name().schema());
            statement.setString(3, move.source().name().name());
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next() || !rows.getBoolean(2)) {
                    return false;
                }
                if (!rows.getBoolean(1)) {
                    throw new SafeshiftException(Kind.STATE, "Publication '" + captureName + "' on the source "
                            + endpoint.redactedUrl() + " includes the partitioned table " + move.source().name()
                            + " without publish_via_partition_root, so its changes are sent under its partitions' names "
                            + "and never reach the stream; changes already sent that way cannot be sent again. Start "
                            + "the move over: safeshift abort, then safeshift run.");
                }
                return true;
            }
        }
    }

    static SafeshiftException slotInUse(String captureName, Endpoint endpoint, String holder) {
        return new SafeshiftException(Kind.IN_USE, "Replication slot '" + captureName + "' on the source "
                + endpoint.redactedUrl() + " is active: it is in use by another connection" + holder
                + ". Only one change stream can read a slot at a time. Stop the other stream (or wait until it "
                + "has released the slot), then start this one again.");
    }

    private static String describeHolder(Connection source, int pid) {
        try (PreparedStatement statement = source.prepareStatement(
                "SELECT application_name, client_addr::text FROM pg_stat_activity WHERE pid = ?")) {
            statement.setInt(1, pid);
            try (ResultSet rows = statement.executeQuery()) {
                if (rows.next()) {
                    String application = rows.getString(1);
                    String address = rows.getString(2);
                    return " (server process " + pid
                            + (application == null || application.isEmpty() ? "" : ", application '" + application + "'")
                            + (address == null ? "" : ", client " + address) + ")";
                }
            }
        } catch (SQLException ignored) {
            // the description is a courtesy; the pid alone still helps
        }
        return " (server process " + pid + ")";
    }

    private static void checkPublication(Connection source, Endpoint endpoint, String captureName,
                                         List<TableMove> moves) throws SQLException {
        Set<String> published = new HashSet<>();
        boolean exists;
        try (PreparedStatement statement = source.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = ?)")) {
            statement.setString(1, captureName);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                exists = rows.getBoolean(1);
            }
        }
        if (!exists) {
            throw new SafeshiftException(Kind.SOURCE_NOT_READY, "Publication '" + captureName + "' does not exist on the source "
                    + endpoint.redactedUrl() + ". It is created with the replication slot when the move starts; "
                    + "recreate it for the moved tables (CREATE PUBLICATION ... FOR TABLE ...) and start again.");
        }
        try (PreparedStatement statement = source.prepareStatement(
                "SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = ?")) {
            statement.setString(1, captureName);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    published.add(rows.getString(1) + "." + rows.getString(2));
                }
            }
        }
        List<String> missing = new ArrayList<>();
        for (TableMove move : moves) {
            String name = move.source().name().schema() + "." + move.source().name().name();
            if (!published.contains(name) && !publishedAsPartitionRoot(source, endpoint, captureName, move)) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new SafeshiftException(Kind.SOURCE_NOT_READY, "Publication '" + captureName + "' on the source does not "
                    + "cover " + String.join(", ", missing) + ", so their changes would never arrive. Add them "
                    + "(ALTER PUBLICATION ... ADD TABLE ...) and start again.");
        }
    }
}
