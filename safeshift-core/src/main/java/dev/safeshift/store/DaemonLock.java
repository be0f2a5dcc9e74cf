package dev.safeshift.store;

import dev.safeshift.SafeshiftException;
import dev.safeshift.jdbc.Connections;
import dev.safeshift.plan.Endpoint;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Makes sure only one daemon works on a migration at a time: a session-level lock in the control
 * store's database (on PostgreSQL an advisory lock; the store's {@link StoreDialect} takes it), held
 * for as long as the daemon's connection lives. A killed daemon's connection dies with it, so the
 * lock can never be left behind.
 */
public final class DaemonLock implements AutoCloseable {

    private final Connection connection;
    private final StoreDialect dialect;
    private final long key;

    private DaemonLock(Connection connection, StoreDialect dialect, long key) {
        this.connection = connection;
        this.dialect = dialect;
        this.key = key;
    }

    public static DaemonLock acquire(Endpoint control, String schema, String migrationName) {
        StoreDialect dialect = StoreDialects.forUrl(control.url());
        Connection connection = Connections.open(control, "control store");
        long key = key(schema + ":" + migrationName);
        try {
            if (!dialect.tryLock(connection, key)) {
                throw new SafeshiftException(SafeshiftException.Kind.IN_USE,
                        "another safeshift daemon is already running migration '" + migrationName + "' (it holds "
                                + "the migration's lock in the control store at " + control.redactedUrl() + "). "
                                + "Stop it with safeshift stop, or wait for it to finish.");
            }
            return new DaemonLock(connection, dialect, key);
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
     * Whether this lock is still held. A session can end under the daemon (a restarted server, a
     * terminated backend); the lock is then gone, and another daemon could take it. A
     * session that is only slow to answer is not taken for lost.
     */
    public State check() {
        try {
            return dialect.holdsLock(connection, key) ? State.HELD : State.LOST;
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
        StoreDialect dialect = StoreDialects.forUrl(control.url());
        try (Connection connection = Connections.open(control, "control store")) {
            return dialect.lockHeld(connection, key);
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
        try {
            dialect.unlock(connection, key);
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
