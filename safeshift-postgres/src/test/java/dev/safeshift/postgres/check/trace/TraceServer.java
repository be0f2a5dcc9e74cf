package dev.safeshift.postgres.check.trace;

import dev.safeshift.plan.Endpoint;
import dev.safeshift.testing.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A PostgreSQL server the trace tests run on: it holds each test's source database and serves as
 * the scratch server too. Source databases get unique names and are dropped by {@link #drop}.
 */
abstract class TraceServer {

    /** The project's embedded PostgreSQL 14. */
    static final TraceServer EMBEDDED_14 = new TraceServer() {
        @Override
        Endpoint maintenance() {
            return Endpoint.of(EmbeddedPostgres.url("postgres"), "postgres");
        }
    };

    /**
     * The machine's own PostgreSQL 15 (trust authentication for postgres on 127.0.0.1), which the
     * machine starts before anything runs; {@code pg_ctlcluster --skip-systemctl-redirect 15 main start}
     * starts it again.
     */
    static final TraceServer LOCAL_15 = new TraceServer() {
        @Override
        Endpoint maintenance() {
            return Endpoint.of("jdbc:postgresql://127.0.0.1:5432/test", "postgres");
        }
    };

    /** A database to connect to first; the scratch server's endpoint. */
    abstract Endpoint maintenance();

    /** A new, empty database for a test's source tables. */
    Endpoint newDatabase(String prefix) {
        String name = "trace_it_" + prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        run(maintenance(), "CREATE DATABASE " + name);
        return Endpoint.of(ScratchDatabase.databaseUrl(maintenance().url(), name), "postgres");
    }

    void drop(Endpoint database) {
        String name = database.url().replaceAll("^.*/([^/?]+).*$", "$1");
        run(maintenance(), "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    /** Names of the databases on the server whose name starts with {@code prefix}. */
    List<String> databases(String prefix) {
        List<String> names = new ArrayList<>();
        try (Connection connection = connect(maintenance()); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT datname FROM pg_database WHERE starts_with(datname, '"
                     + prefix + "')")) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return names;
    }

    static Connection connect(Endpoint endpoint) throws SQLException {
        return DriverManager.getConnection(endpoint.url(), endpoint.user(), null);
    }

    static void run(Endpoint endpoint, String... statements) {
        try (Connection connection = connect(endpoint); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("on " + endpoint.redactedUrl() + ": " + e.getMessage(), e);
        }
    }

    static List<String> strings(Endpoint endpoint, String sql) {
        List<String> values = new ArrayList<>();
        try (Connection connection = connect(endpoint); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return values;
    }

    static String text(Endpoint endpoint, String sql) {
        try (Connection connection = connect(endpoint); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
