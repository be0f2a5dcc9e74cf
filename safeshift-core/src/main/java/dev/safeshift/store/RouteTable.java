package dev.safeshift.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL for the {@code route} and {@code router} tables: where traffic goes, and what the routers report. */
final class RouteTable {

    private final Connection connection;
    private final StoreDialect dialect;
    private final String schema;

    RouteTable(Connection connection, StoreDialect dialect, String schema) {
        this.connection = connection;
        this.dialect = dialect;
        this.schema = schema;
    }

    private static final String COLUMNS = "route, epoch, resume_to, paused_until, changed_by, changed_at";

    Optional<RouteState> find(long migrationId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM " + table("route")
                + " WHERE migration_id = ?")) {
            select.setLong(1, migrationId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(state(rows)) : Optional.empty();
            }
        }
    }

    /**
     * Sets the route and counts the change: the first route is epoch 1. A pause needs the route to
     * resume to and how long it may last; other routes take neither.
     */
    RouteState set(long migrationId, Route route, Optional<Route> resumeTo, Optional<Duration> pauseFor, String actor)
            throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement(dialect.setRoute(table("route"), COLUMNS))) {
            upsert.setLong(1, migrationId);
            upsert.setString(2, route.name());
            upsert.setString(3, resumeTo.map(Route::name).orElse(null));
            if (pauseFor.isPresent()) {
                upsert.setDouble(4, pauseFor.get().toMillis() / 1000.0);
            } else {
                upsert.setNull(4, java.sql.Types.DOUBLE);
            }
            upsert.setString(5, actor);
            try (ResultSet rows = upsert.executeQuery()) {
                rows.next();
                return state(rows);
            }
        }
    }

    private static RouteState state(ResultSet rows) throws SQLException {
        return new RouteState(Route.valueOf(rows.getString("route")), rows.getLong("epoch"),
                Optional.ofNullable(rows.getString("resume_to")).map(Route::valueOf),
                Optional.ofNullable(rows.getTimestamp("paused_until")).map(java.sql.Timestamp::toInstant),
                rows.getString("changed_by"), Rows.instant(rows, "changed_at"));
    }

    List<RouterReport> routers(long migrationId) throws SQLException {
        List<RouterReport> reports = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT instance, seen_route, seen_epoch,"
                + " source_in_flight, target_in_flight, held,"
                + " " + dialect.millisSince("reported_at") + " AS silent_millis FROM "
                + table("router") + " WHERE migration_id = ? ORDER BY instance")) {
            select.setLong(1, migrationId);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    reports.add(new RouterReport(rows.getString(1), Route.valueOf(rows.getString(2)), rows.getLong(3),
                            rows.getInt(4), rows.getInt(5), rows.getInt(6),
                            Duration.ofMillis(Math.max(0, rows.getLong(7)))));
                }
            }
        }
        return reports;
    }

    /** Deletes samples that ended before {@code keep} ago by the store's clock; returns how many. */
    int pruneSamples(long migrationId, Duration keep) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table("router_sample")
                + " WHERE migration_id = ? AND interval_end < " + dialect.secondsBeforeNow())) {
            delete.setLong(1, migrationId);
            delete.setDouble(2, keep.toMillis() / 1000.0);
            return delete.executeUpdate();
        }
    }

    private String table(String name) {
        return dialect.table(schema, name);
    }
}
