package dev.safeshift.router;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} for an application whose tables Safeshift moves: it hands out connections to
 * the source or the target database, following the route the migration keeps in its control store.
 *
 * <ul>
 *   <li>{@code SOURCE} / {@code TARGET}: each {@link #getConnection()} goes to that side.</li>
 *   <li>{@code PAUSED} (during a switch): new connections wait, at most {@code maxHold}, then fail with
 *       a {@link RouteUnavailableException}; connections already handed out go on and finish their
 *       work where they are. A cutover waits until every router reports none left on the source.</li>
 *   <li>A route not read for {@code staleAfter} (the control store unreachable) holds new connections
 *       the same way: a router that cannot see the route must not guess it.</li>
 * </ul>
 *
 * <p>Give it the application's pools (HikariCP or any other) as source and target, and let the
 * application take a connection per unit of work and close it after, as pools expect. A connection
 * is counted in flight from {@code getConnection} until {@code close}; one held open for minutes
 * holds a cutover up as long. Every statement's latency and failure is recorded per side and query
 * pattern (literals stripped, so no row value leaves the process) and published to the control
 * store every {@code reportEvery}, where Safeshift's triggers read it.
 */
public final class RoutingDataSource implements DataSource, AutoCloseable {

    /** Where a side's refusal to hand out a connection is counted. */
    static final QueryPattern CONNECT = QueryPattern.of("(connect)");

    private final DataSource source;
    private final DataSource target;
    private final String migration;
    private final Duration maxHold;
    private final RouteGate gate;
    private final PatternMetrics metrics = new PatternMetrics();
    private final RouteFollower follower;

    private RoutingDataSource(Builder builder) throws SQLException {
        this.source = builder.source;
        this.target = builder.target;
        this.migration = builder.migration;
        this.maxHold = builder.maxHold;
        this.gate = new RouteGate(builder.staleAfter);
        String instance = builder.instance != null ? builder.instance : defaultInstance();
        ControlStoreClient store = new ControlStoreClient(builder.control, builder.schema, migration, instance);
        try {
            RouteFollower.firstRead(store, gate, migration);
        } catch (SQLException e) {
            store.close();
            throw new SQLException("the routing DataSource for migration '" + migration + "' could not read its route"
                    + " from the control store (schema " + builder.schema + "): " + e.getMessage(), e.getSQLState(), e);
        }
        this.follower = new RouteFollower(store, gate, metrics, migration, builder.pollEvery, builder.reportEvery);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The route as this router last read it. */
    public Route route() {
        return gate.snapshot().route();
    }

    @Override
    public RoutedConnection getConnection() throws SQLException {
        Route side = enter();
        try {
            return InstrumentedConnection.wrap(sideOf(side).getConnection(), side, gate, metrics);
        } catch (SQLException | RuntimeException e) {
            failedToConnect(side);
            throw e;
        }
    }

    @Override
    public RoutedConnection getConnection(String user, String password) throws SQLException {
        Route side = enter();
        try {
            return InstrumentedConnection.wrap(sideOf(side).getConnection(user, password), side, gate, metrics);
        } catch (SQLException | RuntimeException e) {
            failedToConnect(side);
            throw e;
        }
    }

    private Route enter() throws SQLException {
        try {
            return gate.enter(maxHold, migration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RouteUnavailableException("interrupted while waiting for migration '" + migration
                    + "' to let new transactions through; nothing was sent to either database");
        }
    }

    /** A side that refuses connections is an error its triggers must see, not only the application. */
    private void failedToConnect(Route side) {
        gate.leave(side);
        metrics.record(side, CONNECT, 0, true);
    }

    private DataSource sideOf(Route side) {
        return side == Route.SOURCE ? source : target;
    }

    /** Stops following the route and publishes what is left; the source and target pools stay open (they are the caller's). */
    @Override
    public void close() {
        follower.close();
    }

    private static String defaultInstance() {
        // host and process, so an operator can find the application; a random part keeps two routers apart
        return ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return source.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        source.setLogWriter(out);
        target.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        source.setLoginTimeout(seconds);
        target.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return source.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("the routing DataSource logs through java.lang.System.Logger");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("the routing DataSource wraps two DataSources and is not a " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    /** Settings of a {@link RoutingDataSource}; source, target, control and migration are required. */
    public static final class Builder {
        private DataSource source;
        private DataSource target;
        private DataSource control;
        private String schema = "safeshift";
        private String migration;
        private String instance;
        private Duration maxHold = Duration.ofSeconds(10);
        private Duration pollEvery = Duration.ofMillis(50);
        private Duration reportEvery = Duration.ofSeconds(1);
        private Duration staleAfter = Duration.ofSeconds(5);

        private Builder() {
        }

        /** The application's pool for the database the tables move from. */
        public Builder source(DataSource source) {
            this.source = source;
            return this;
        }

        /** The application's pool for the database the tables move to. */
        public Builder target(DataSource target) {
            this.target = target;
            return this;
        }

        /** Connections to the database that holds the migration's control store (by default, the target). */
        public Builder control(DataSource control) {
            this.control = control;
            return this;
        }

        /** The control store's schema, the plan's {@code control.schema}; {@code safeshift} by default. */
        public Builder schema(String schema) {
            this.schema = schema;
            return this;
        }

        /** The migration's name, the plan's {@code name}. */
        public Builder migration(String migration) {
            this.migration = migration;
            return this;
        }

        /** How this router is named in the store; host, process id and a random part by default. */
        public Builder instance(String instance) {
            this.instance = instance;
            return this;
        }

        /** The longest a new connection waits while the route is paused or unknown; 10 s by default. */
        public Builder maxHold(Duration maxHold) {
            this.maxHold = maxHold;
            return this;
        }

        /** How often the route is read; 50 ms by default, so a change is followed within 100 ms. */
        public Builder pollEvery(Duration pollEvery) {
            this.pollEvery = pollEvery;
            return this;
        }

        /** How often metrics are published and the router reports in; 1 s by default. */
        public Builder reportEvery(Duration reportEvery) {
            this.reportEvery = reportEvery;
            return this;
        }

        /** How long a route may go unread before new connections are held; 5 s by default. */
        public Builder staleAfter(Duration staleAfter) {
            this.staleAfter = staleAfter;
            return this;
        }

        /** Reads the route once (failing if the control store cannot be read) and starts following it. */
        public RoutingDataSource build() throws SQLException {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(control, "control");
            Objects.requireNonNull(migration, "migration");
            requirePositive(maxHold, "maxHold");
            requirePositive(pollEvery, "pollEvery");
            requirePositive(reportEvery, "reportEvery");
            requirePositive(staleAfter, "staleAfter");
            if (staleAfter.compareTo(pollEvery.multipliedBy(2)) < 0) {
                throw new IllegalArgumentException("staleAfter (" + staleAfter + ") must be at least twice pollEvery ("
                        + pollEvery + "), or every late read would hold the application");
            }
            return new RoutingDataSource(this);
        }

        private static void requirePositive(Duration value, String name) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be a positive duration, not " + value);
            }
        }
    }
}
