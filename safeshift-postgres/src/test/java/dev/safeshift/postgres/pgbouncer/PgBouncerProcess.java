package dev.safeshift.postgres.pgbouncer;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A real PgBouncer started for one test, from the operating system's package (.ci/run installs it):
 * listening on a free port of 127.0.0.1, trusting every user, {@code postgres} as its admin, transaction
 * pooling, one database entry. Running as root, PgBouncer is asked to drop to {@code nobody}, which
 * can read the files because they are world-readable.
 */
public final class PgBouncerProcess implements AutoCloseable {

    public static final String DATABASE = "shop";

    private final Path directory;
    private final Path config;
    private final Path log;
    private final int port;
    private final Process process;

    private final String adminUser;
    private final String adminPassword;

    private PgBouncerProcess(Path directory, Path config, Path log, int port, Process process, String adminUser,
                             String adminPassword) {
        this.adminUser = adminUser;
        this.adminPassword = adminPassword;
        this.directory = directory;
        this.config = config;
        this.log = log;
        this.port = port;
        this.process = process;
    }

    /** The pgbouncer program, or a failed test saying how to install it. */
    public static Path binary() {
        List<Path> candidates = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "pgbouncer"));
            }
        }
        candidates.add(Path.of("/usr/sbin/pgbouncer"));
        candidates.add(Path.of("/usr/local/sbin/pgbouncer"));
        Optional<Path> found = candidates.stream().filter(Files::isExecutable).findFirst();
        if (found.isEmpty()) {
            fail("pgbouncer is not installed, and the PgBouncer switch is tested against a real one. Install it "
                    + "(apt-get install -y pgbouncer, as .ci/run does) and run the tests again.");
        }
        return found.get();
    }

    /** Starts PgBouncer with its one entry pointing at 127.0.0.1:{@code serverPort}/{@code dbname}. */
    public static PgBouncerProcess start(int serverPort, String dbname) throws IOException, InterruptedException {
        return start(serverPort, dbname, "trust", "postgres", "");
    }

    /**
     * Starts PgBouncer logging clients in with {@code authType}, with one admin, {@code admin}, whose
     * password is {@code password} (written as it is in the users file).
     */
    public static PgBouncerProcess start(int serverPort, String dbname, String authType, String admin, String password)
            throws IOException, InterruptedException {
        Path binary = binary();
        Path directory = Files.createTempDirectory("safeshift-pgbouncer");
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        int port = freePort();
        Path users = world(Files.writeString(directory.resolve("users.txt"), "\"postgres\" \"\"\n"
                + (admin.equals("postgres") ? "" : "\"" + admin + "\" \"" + password + "\"\n")));
        Path config = world(Files.writeString(directory.resolve("pgbouncer.ini"), String.join("\n",
                "; written by the test; the entry below is switched between the two databases",
                "[databases]",
                "other = host=127.0.0.1 port=" + serverPort + " dbname=postgres",
                DATABASE + " = host=127.0.0.1 port=" + serverPort + " dbname=" + dbname + " pool_size=4",
                "",
                "[pgbouncer]",
                "listen_addr = 127.0.0.1",
                "listen_port = " + port,
                "unix_socket_dir =",
                "auth_type = " + authType,
                "auth_file = " + users,
                "admin_users = " + admin,
                "pool_mode = transaction",
                "ignore_startup_parameters = extra_float_digits",
                "server_reset_query =",
                "")));
        Path log = directory.resolve("pgbouncer.log");
        List<String> command = new ArrayList<>(List.of(binary.toString()));
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("-u", "nobody")); // PgBouncer refuses to run as root
        }
        command.add(config.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PgBouncerProcess started = new PgBouncerProcess(directory, config, log, port, process, admin, password);
        Instant giveUp = Instant.now().plus(Duration.ofSeconds(15));
        while (true) {
            try (AdminConsole ignored = started.admin()) {
                return started;
            } catch (SQLException e) {
                if (!process.isAlive() || Instant.now().isAfter(giveUp)) {
                    String output = Files.readString(log);
                    started.close();
                    fail("PgBouncer did not start (" + String.join(" ", command) + "): " + e.getMessage()
                            + "\n" + output);
                }
                Thread.sleep(50);
            }
        }
    }

    private static Path world(Path file) throws IOException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        return file;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public Path config() {
        return config;
    }

    public String adminUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/pgbouncer";
    }

    /** The URL an application uses: PgBouncer's entry, whichever database it points at. */
    public String clientUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE + "?prepareThreshold=0";
    }

    public Connection client() throws SQLException {
        return DriverManager.getConnection(clientUrl(), "postgres", null);
    }

    AdminConsole admin() throws SQLException {
        return AdminConsole.open(adminEndpoint(), Duration.ofSeconds(5), Duration.ofSeconds(10));
    }

    /** How the admin console is reached, with the admin's password when there is one. */
    dev.safeshift.plan.Endpoint adminEndpoint() {
        return new dev.safeshift.plan.Endpoint(adminUrl(), adminUser, java.util.Optional.of("ADMIN_PASSWORD"),
                adminPassword.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(adminPassword));
    }

    /** Whether PgBouncer holds the entry paused now (SHOW DATABASES). */
    public boolean paused() throws SQLException {
        try (AdminConsole admin = admin()) {
            for (var database : admin.execute("SHOW DATABASES")) {
                if (DATABASE.equals(database.get("name"))) {
                    return !"0".equals(database.get("paused"));
                }
            }
        }
        throw new AssertionError("PgBouncer lists no database " + DATABASE);
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            try (var files = Files.walk(directory)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }
}
