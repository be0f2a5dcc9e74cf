package dev.safeshift.jdbc;

import dev.safeshift.SafeshiftException;
import java.io.IOException;
import java.sql.SQLException;
import java.util.Set;

/**
 * Tells apart failures that mean "the connection went away" (a server restart, a terminated
 * session, a network cut) from failures of the work itself. The first kind is worth retrying on a
 * new connection; the second is not.
 */
public final class ConnectionLoss {

    /**
     * SQLSTATEs of a lost or refused connection besides class 08: the server shutting down
     * (57P01 admin, 57P02 crash), not yet accepting connections while it starts (57P03), and a
     * session terminated by an administrator, which PostgreSQL also reports as 57P01.
     */
    private static final Set<String> STATES = Set.of("57P01", "57P02", "57P03");

    private ConnectionLoss() {
    }

    /** Whether {@code failure}, or anything in its cause chain, is a lost or unreachable connection. */
    public static boolean isLoss(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || STATES.contains(sql.getSQLState()))) {
                return true;
            }
            if (t instanceof SafeshiftException safeshift && safeshift.kind() == SafeshiftException.Kind.UNREACHABLE) {
                return true;
            }
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }
}
