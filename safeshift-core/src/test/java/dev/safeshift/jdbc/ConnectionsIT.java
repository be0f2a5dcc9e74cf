package dev.safeshift.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.safeshift.SafeshiftException;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.testing.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Connection failures produced by a real PostgreSQL server. */
class ConnectionsIT {

    private static final String PROBE_ROLE = "safeshift_auth_probe";

    @Test
    void missingDatabaseIsNamed() {
        Endpoint endpoint = Endpoint.of(EmbeddedPostgres.url("no_such_database"), "postgres");

        SafeshiftException failure = catchThrowableOfType(SafeshiftException.class,
                () -> Connections.open(endpoint, "target"));

        assertThat(failure.kind()).isEqualTo(SafeshiftException.Kind.UNREACHABLE);
        assertThat(failure.getMessage()).isEqualTo("the target database 'no_such_database' does not exist on 127.0.0.1:"
                + EmbeddedPostgres.port() + ". Create it, or fix the database name in the plan's target.url.");
    }

    @Test
    void wrongPasswordIsReportedAsRejectedUser() throws Exception {
        Endpoint database = EmbeddedPostgres.newDatabase("auth");
        requirePasswordFor(PROBE_ROLE, "right-secret");
        Endpoint wrong = new Endpoint(database.url(), PROBE_ROLE, Optional.of("SHOP_PASSWORD"), Optional.of("wrong-secret"));

        SafeshiftException failure = catchThrowableOfType(SafeshiftException.class,
                () -> Connections.open(wrong, "source"));

        assertThat(failure.kind()).isEqualTo(SafeshiftException.Kind.UNREACHABLE);
        assertThat(failure.getMessage()).isEqualTo("the source database rejected user '" + PROBE_ROLE
                + "' (authentication failed). Check source.user and the environment variable SHOP_PASSWORD"
                + " (named in source.password).");
        assertThat(failure.getMessage()).doesNotContain("wrong-secret");
        Endpoint right = new Endpoint(database.url(), PROBE_ROLE, Optional.empty(), Optional.of("right-secret"));
        try (Connection connection = Connections.open(right, "source")) {
            assertThat(connection.isValid(2)).isTrue();
        }
    }

    @Test
    void missingPasswordSaysOneIsNeeded() throws Exception {
        Endpoint database = EmbeddedPostgres.newDatabase("nopass");
        requirePasswordFor(PROBE_ROLE, "right-secret");
        Endpoint none = Endpoint.of(database.url(), PROBE_ROLE);

        SafeshiftException failure = catchThrowableOfType(SafeshiftException.class,
                () -> Connections.open(none, "source"));

        assertThat(failure.getMessage()).isEqualTo("the source database asked for a password for user '" + PROBE_ROLE
                + "' but none was given. Set the environment variable named in source.password.");
    }

    /**
     * The embedded server trusts every local connection. To get a real authentication failure,
     * one role is made to need a password: a rule for that role alone is put first in the server's
     * host-based access file and the configuration is reloaded. Other roles keep trust access.
     */
    private static synchronized void requirePasswordFor(String role, String password) throws Exception {
        try (Connection admin = DriverManager.getConnection(EmbeddedPostgres.url("postgres"), "postgres", null);
             Statement statement = admin.createStatement()) {
            try (ResultSet exists = statement.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + role + "'")) {
                if (!exists.next()) {
                    statement.execute("CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'");
                }
            }
            Path hba;
            try (ResultSet file = statement.executeQuery("SHOW hba_file")) {
                file.next();
                hba = Path.of(file.getString(1));
            }
            String rules = Files.readString(hba, StandardCharsets.UTF_8);
            String rule = "host all " + role + " 127.0.0.1/32 scram-sha-256\n";
            if (!rules.startsWith(rule)) {
                Files.writeString(hba, rule + rules, StandardCharsets.UTF_8);
                statement.execute("SELECT pg_reload_conf()");
            }
        }
        awaitPasswordRequired(role);
    }

    /** The reload is asynchronous: wait until the server actually asks this role for a password. */
    private static void awaitPasswordRequired(String role) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Connection ignored = DriverManager.getConnection(EmbeddedPostgres.url("postgres"), role, "not-the-password")) {
                Thread.sleep(50);
            } catch (SQLException e) {
                if ("28P01".equals(e.getSQLState())) {
                    return;
                }
                throw new IOException("unexpected failure while waiting for the access rule", e);
            }
        }
        throw new IOException("the server did not start asking " + role + " for a password");
    }
}
