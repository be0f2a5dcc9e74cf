package dev.safeshift.cli;

import dev.safeshift.plan.Endpoint;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A PostgreSQL server of a test's own, on a fixed port and data directory, so that the test can
 * stop it and start it again under a running daemon: a real server restart, not a simulation.
 */
final class RestartableServer implements AutoCloseable {

    private final Path dataDirectory;
    private final int port;
    private EmbeddedPostgres server;

    private RestartableServer(Path dataDirectory, int port) {
        this.dataDirectory = dataDirectory;
        this.port = port;
    }

    static RestartableServer start(Path directory) throws IOException {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        RestartableServer restartable = new RestartableServer(Files.createDirectories(directory.resolve("pgdata")), port);
        restartable.startServer();
        return restartable;
    }

    private void startServer() throws IOException {
        server = EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setPort(port)
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "10")
                .setServerConfig("max_wal_senders", "10")
                .setServerConfig("fsync", "off")
                .start();
    }

    /** Stops the server (every session ends) and starts it again on the same data and port. */
    void restart() throws IOException {
        server.close();
        startServer();
    }

    Endpoint newDatabase(String name) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url("postgres"), "postgres", null);
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        return Endpoint.of(url(name), "postgres");
    }

    private String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
