package dev.safeshift.testing;

import dev.safeshift.plan.Endpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server per test JVM, started on first use with {@code wal_level=logical},
 * and shut down when the JVM exits. Each test asks for fresh databases of its own, so tests never
 * see each other's tables.
 */
public final class EmbeddedPostgres {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;

    private EmbeddedPostgres() {
    }

    public static synchronized io.zonky.test.db.postgres.embedded.EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                        .setServerConfig("hba_file", hbaFile().toString())
                        .setServerConfig("wal_level", "logical")
                        .setServerConfig("max_replication_slots", "100")
                        .setServerConfig("max_wal_senders", "100")
                        .setServerConfig("max_connections", "200")
                        .setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off")
                        .setServerConfig("full_page_writes", "off")
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("could not start embedded PostgreSQL", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                } catch (IOException ignored) {
                    // the JVM is exiting; nothing more to do
                }
            }));
        }
        return server;
    }

    /**
     * The superuser {@code postgres} is trusted; every other role must give its password, so tests
     * can see a real authentication failure.
     */
    private static Path hbaFile() throws IOException {
        Path file = Files.createTempFile("safeshift-hba", ".conf");
        Files.writeString(file, String.join("\n",
                "local all postgres trust",
                "host all postgres 127.0.0.1/32 trust",
                "host all postgres ::1/128 trust",
                "host replication postgres 127.0.0.1/32 trust",
                "host replication postgres ::1/128 trust",
                "local all all scram-sha-256",
                "host all all 127.0.0.1/32 scram-sha-256",
                "host all all ::1/128 scram-sha-256",
                "host replication all 127.0.0.1/32 scram-sha-256",
                ""));
        file.toFile().deleteOnExit();
        return file;
    }

    public static int port() {
        return server().getPort();
    }

    public static String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
    }

    /** Creates an empty database with a unique name starting with {@code prefix}. */
    public static Endpoint newDatabase(String prefix) {
        String name = prefix.toLowerCase().replaceAll("[^a-z0-9_]", "_") + "_" + DATABASES.incrementAndGet();
        try (Connection connection = DriverManager.getConnection(url("postgres"), "postgres", null);
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name, e);
        }
        return Endpoint.of(url(name), "postgres");
    }

    public static Connection connect(Endpoint endpoint) throws SQLException {
        return DriverManager.getConnection(endpoint.url(), endpoint.user(), endpoint.password().orElse(null));
    }
}
