package dev.safeshift.postgres.check;

import dev.safeshift.testing.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;

/**
 * The real PostgreSQL servers the check tests run against: the machine's PostgreSQL 15 (the
 * {@code safeshift.test.postgres.url} property, by default 127.0.0.1:5432 as postgres, database
 * test) and the embedded PostgreSQL 14 of the core test-jar. Each test gets a database of its own,
 * created empty and dropped by {@link Database#drop}.
 */
final class TestServers {

    static final String MACHINE_URL = System.getProperty("safeshift.test.postgres.url",
            "jdbc:postgresql://127.0.0.1:5432/test");

    private TestServers() {
    }

    /** A fresh database on one server. */
    record Database(String server, String adminUrl, String name) {

        String url() {
            return adminUrl.substring(0, adminUrl.lastIndexOf('/') + 1) + name;
        }

        Connection connect() throws SQLException {
            return DriverManager.getConnection(url(), "postgres", null);
        }

        void run(String... statements) throws SQLException {
            try (Connection connection = connect(); Statement statement = connection.createStatement()) {
                for (String sql : statements) {
                    statement.execute(sql);
                }
            }
        }

        /** Drops the database. (Not AutoCloseable: JUnit would close a test argument after its first test.) */
        void drop() throws SQLException {
            try (Connection admin = DriverManager.getConnection(adminUrl, "postgres", null);
                 Statement statement = admin.createStatement()) {
                statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
        }

        @Override
        public String toString() {
            return server;
        }
    }

    /** A database on the machine's PostgreSQL 15. */
    static Database machine(String prefix) throws SQLException {
        return create("PostgreSQL 15 (machine)", MACHINE_URL, prefix);
    }

    /** A database on the embedded PostgreSQL 14. */
    static Database embedded(String prefix) throws SQLException {
        return create("PostgreSQL 14 (embedded)", EmbeddedPostgres.url("postgres"), prefix);
    }

    static List<Database> both(String prefix) throws SQLException {
        return List.of(machine(prefix), embedded(prefix));
    }

    private static Database create(String server, String adminUrl, String prefix) throws SQLException {
        String name = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try (Connection admin = DriverManager.getConnection(adminUrl, "postgres", null);
             Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        return new Database(server, adminUrl, name);
    }
}
