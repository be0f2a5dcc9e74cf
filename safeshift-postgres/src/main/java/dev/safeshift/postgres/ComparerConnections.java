package dev.safeshift.postgres;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.Side;
import dev.safeshift.jdbc.Connections;
import dev.safeshift.plan.Endpoint;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A fixed set of read-only connections per side, each with the session settings that make value
 * text independent of server configuration (time zone, date and interval style, float digits,
 * bytea format). Connections are opened on first use and handed out one caller at a time.
 */
final class ComparerConnections implements AutoCloseable {

    private static final List<String> SESSION = List.of(
            "SET TimeZone = 'UTC'",
            "SET DateStyle = 'ISO, YMD'",
            "SET IntervalStyle = 'postgres'",
            "SET extra_float_digits = 1",
            "SET bytea_output = 'hex'",
            "SET default_transaction_read_only = on");

    private final Map<Side, Endpoint> endpoints = new EnumMap<>(Side.class);
    private final Map<Side, BlockingQueue<Connection>> idle = new EnumMap<>(Side.class);
    private final Map<Side, Integer> opened = new EnumMap<>(Side.class);
    private final List<Connection> all = new ArrayList<>();
    private final int perSide;

    ComparerConnections(Endpoint source, Endpoint target, int perSide) {
        this.perSide = perSide;
        endpoints.put(Side.SOURCE, source);
        endpoints.put(Side.TARGET, target);
        for (Side side : Side.values()) {
            idle.put(side, new ArrayBlockingQueue<>(perSide));
            opened.put(side, 0);
        }
    }

    /** Work done on one connection of a side. */
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    <T> T with(Side side, Work<T> work) throws SQLException {
        Connection connection = borrow(side);
        try {
            return work.run(connection);
        } finally {
            idle.get(side).add(connection);
        }
    }

    private Connection borrow(Side side) throws SQLException {
        Connection ready = idle.get(side).poll();
        if (ready != null) {
            return ready;
        }
        synchronized (this) {
            if (opened.get(side) < perSide) {
                Connection connection = open(side);
                opened.merge(side, 1, Integer::sum);
                all.add(connection);
                return connection;
            }
        }
        try {
            return idle.get(side).take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SafeshiftException(SafeshiftException.Kind.INTERNAL, "verification was interrupted", e);
        }
    }

    private Connection open(Side side) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("ApplicationName", "safeshift-verify");
        Connection connection = Connections.open(endpoints.get(side), side.label(), properties);
        try (Statement statement = connection.createStatement()) {
            for (String setting : SESSION) {
                statement.execute(setting);
            }
        }
        return connection;
    }

    @Override
    public synchronized void close() {
        for (Connection connection : all) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing is best effort; the server ends the session either way
            }
        }
        all.clear();
    }
}
