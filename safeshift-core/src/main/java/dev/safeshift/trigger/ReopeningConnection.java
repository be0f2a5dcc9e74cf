package dev.safeshift.trigger;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The one connection a provider reads the control store through: opened at the first reading,
 * given up after a failure (a broken connection must not fail every later evaluation too) and
 * opened again at the next. Not thread-safe; the providers that hold one synchronize their reads.
 */
final class ReopeningConnection implements AutoCloseable {

    private final Supplier<Connection> opener;
    private Connection connection;

    /** @param opener opens a connection; it may throw a {@link dev.safeshift.SafeshiftException} */
    ReopeningConnection(Supplier<Connection> opener) {
        this.opener = Objects.requireNonNull(opener, "opener");
    }

    /** The open connection, opened now if there is none. */
    Connection get() {
        if (connection == null) {
            connection = opener.get();
        }
        return connection;
    }

    /** Gives the connection up after a failure; the next {@link #get()} opens a new one. */
    void discard() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // it is being given up anyway
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        discard();
    }
}
