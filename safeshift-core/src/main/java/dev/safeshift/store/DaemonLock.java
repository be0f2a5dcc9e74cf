package dev.safeshift.store;

import dev.safeshift.SafeshiftException;
import dev.safeshift.jdbc.Connections;
import dev.safeshift.plan.Endpoint;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Makes sure only one daemon works on a migration at a time: a session-level advisory lock in the
 * control store's database, held for as long as the daemon's connection lives. A killed daemon's
 * connection dies with it, so the lock can never be left behind.
 */
public final class DaemonLock implements AutoCloseable {

    private final Connection connection;
    private final long key;

    private DaemonLock(Connection connection, long key) {
        this.connection = connection;
        this.key = key;
    }

    public static DaemonLock acquire(Endpoint control, String schema, String migrationName) {
        Connection connection = Connections.open(control, "control store");
        long key = key(schema + ":" + migrationName);
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            statement.setLong(1, key);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                if (!result.getBoolean(1)) {
                    throw new SafeshiftException(SafeshiftException.Kind.IN_USE,
                            "another safeshift daemon is already running migration '" + migrationName + "' (it holds "
                                    + "the migration's lock in the control store at " + control.redactedUrl() + "). "
                                    + "Stop it with safeshift stop, or wait for it to finish.");
                }
            }
            return new DaemonLock(connection, key);
        } catch (SQLException | RuntimeException e) {
            try {
                connection.close();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof SafeshiftException safeshift) {
                throw safeshift;
            }
            throw new SafeshiftException(SafeshiftException.Kind.INTERNAL,
                    "could not take the daemon lock in the control store: " + e.getMessage(), e);
        }
    }

    /** What {@link #check()} found. */
    public enum State {
        /** The session is alive and holds the lock. */
        HELD,
        /** The session is gone (or no longer holds the lock): another daemon could take it. */
        LOST,
        /** The session did not answer in time; it may still hold the lock. */
        UNKNOWN
    }

    /**
     * Whether this lock is still held. A session can end under the daemon (a restarted server,
     * {@code pg_terminate_backend}); the lock is then gone, and another daemon could take it. A
     * session that is only slow to answer is not taken for lost.
     */
    public State check() {
        try (PreparedStatement statement = connection.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_locks"
                + " WHERE pid = pg_backend_pid() AND locktype = 'advisory' AND granted AND objsubid = 1"
                + " AND classid::bigint = ? AND objid::bigint = ?)")) {
            statement.setQueryTimeout(10);
            statement.setLong(1, key >>> 32);
            statement.setLong(2, key & 0xFFFF_FFFFL);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() && rows.getBoolean(1) ? State.HELD : State.LOST;
            }
        } catch (SQLException e) {
            try {
                return connection.isClosed() || !connection.isValid(5) ? State.LOST : State.UNKNOWN;
            } catch (SQLException closed) {
                return State.LOST;
            }
        }
    }

    /** Whether a daemon is running the migration right now (holds its lock). */
    public static boolean isHeld(Endpoint control, String schema, String migrationName) {
        // Looked up, not taken: taking it, even for a moment, could turn away a daemon starting then.
        long key = key(schema + ":" + migrationName);
        try (Connection connection = Connections.open(control, "control store");
             PreparedStatement statement = connection.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_locks"
                     + " WHERE locktype = 'advisory' AND granted AND objsubid = 1 AND classid::bigint = ?"
                     + " AND objid::bigint = ? AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))")) {
            statement.setLong(1, key >>> 32);
            statement.setLong(2, key & 0xFFFF_FFFFL);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() && rows.getBoolean(1);
            }
        } catch (SQLException e) {
            throw new SafeshiftException(SafeshiftException.Kind.INTERNAL,
                    "could not look for the daemon lock in the control store: " + e.getMessage(), e);
        }
    }

    /** A stable 64-bit key for the lock: the first 8 bytes of the name's SHA-256. */
    static long key(String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(("safeshift:" + name).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    @Override
    public void close() {
        // Released before the session closes: a closed session's server process lets go of its locks
        // only as it exits, a moment later, and a daemon started right after this one ends would
        // otherwise be told that this one still runs.
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            statement.setQueryTimeout(10);
            statement.setLong(1, key);
            statement.execute();
        } catch (SQLException ignored) {
            // the session is gone already, and its lock with it
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing the session releases the lock either way
        }
    }
}
