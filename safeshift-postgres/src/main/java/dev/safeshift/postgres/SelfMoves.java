package dev.safeshift.postgres;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.TableMove;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Refuses a move of a table onto itself: the daemon would apply its own changes in a loop (every
 * applied change is a new change of the source), retaining write-ahead log without end and making
 * the application's updates find rows that were just rewritten.
 *
 * <p>Whether source and target are the same database is decided by the server, not by comparing
 * URLs (host names, ports and proxies can all differ for one server): the source session holds an
 * advisory lock under a random key, and the target session looks for it in {@code pg_locks}, which
 * shows every session's locks of the whole server, with the database they were taken in.
 */
final class SelfMoves {

    private static final SecureRandom KEYS = new SecureRandom();

    private SelfMoves() {
    }

    static void refuse(Connection source, Connection target, List<TableMove> moves) throws SQLException {
        if (!sameDatabase(source, target)) {
            return;
        }
        for (TableMove move : moves) {
            for (TableMove other : moves) {
                if (move.target().equals(other.source().name())) {
                    throw new SafeshiftException(SafeshiftException.Kind.BAD_PLAN, "the plan moves "
                            + other.source().name() + " onto " + move.target() + " in the same database of the same"
                            + " server: the target table would be a source table too, and the migration would copy"
                            + " its own changes in a loop. Give tables[].target another name, or point target.url at"
                            + " another database.");
                }
            }
        }
    }

    /** Whether the two sessions are connected to the same database of the same server. */
    static boolean sameDatabase(Connection source, Connection target) throws SQLException {
        long key = KEYS.nextLong();
        try (PreparedStatement lock = source.prepareStatement("SELECT pg_advisory_lock(?)")) {
            lock.setLong(1, key);
            lock.execute();
        }
        try (PreparedStatement seen = target.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_locks"
                + " WHERE locktype = 'advisory' AND objsubid = 1 AND classid::bigint = ? AND objid::bigint = ?"
                + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))")) {
            // a bigint advisory key shows as its high half in classid and its low half in objid
            seen.setLong(1, key >>> 32);
            seen.setLong(2, key & 0xFFFF_FFFFL);
            try (ResultSet rows = seen.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        } finally {
            try (PreparedStatement unlock = source.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                unlock.setLong(1, key);
                unlock.execute();
            }
        }
    }
}
