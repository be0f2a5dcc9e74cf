package dev.safeshift.postgres.pgbouncer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safeshift.cutover.TrafficSwitch;
import dev.safeshift.engine.Side;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.PgBouncerSettings;
import dev.safeshift.testing.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The pgbouncer switch against a real PgBouncer in front of two real databases. */
class PgBouncerSwitchIT {

    private final ExecutorService clients = Executors.newCachedThreadPool();
    private Endpoint source;
    private Endpoint target;
    private PgBouncerProcess pgbouncer;

    @BeforeAll
    static void pgbouncerIsInstalled() {
        PgBouncerProcess.binary();
    }

    @BeforeEach
    void start() throws Exception {
        source = EmbeddedPostgres.newDatabase("pgb_source");
        target = EmbeddedPostgres.newDatabase("pgb_target");
        for (Endpoint side : List.of(source, target)) {
            String name = side == source ? "source" : "target";
            try (Connection connection = EmbeddedPostgres.connect(side); Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE writes (id serial PRIMARY KEY, side text NOT NULL DEFAULT '" + name + "')");
            }
        }
        pgbouncer = PgBouncerProcess.start(EmbeddedPostgres.port(), databaseName(source));
    }

    @AfterEach
    void stop() {
        clients.shutdownNow();
        if (pgbouncer != null) {
            pgbouncer.close();
        }
    }

    private PgBouncerSwitch traffic() {
        return traffic(PgBouncerProcess.DATABASE);
    }

    private PgBouncerSwitch traffic(String database) {
        return new PgBouncerSwitch(new PgBouncerSettings(Endpoint.of(pgbouncer.adminUrl(), "postgres"), database,
                pgbouncer.config()), source, target);
    }

    @Test
    void holdPausesNewTransactionsAndReleaseSendsTheSameClientToTheTarget() throws Exception {
        String before = Files.readString(pgbouncer.config());
        PgBouncerSwitch traffic = traffic();
        assertThat(traffic.problems()).isEmpty();
        try (Connection client = pgbouncer.client()) {
            assertThat(insert(client)).isEqualTo("source");

            TrafficSwitch.Drain drain = traffic.hold(Side.SOURCE, Instant.now().plusSeconds(5));
            assertThat(drain.drained()).isTrue();
            assertThat(pgbouncer.paused()).isTrue();
            Future<String> held = clients.submit(() -> insert(client));
            Thread.sleep(500);
            assertThat(held).as("a transaction started while PgBouncer is paused waits").isNotDone();

            traffic.release(Side.TARGET);

            assertThat(held.get(10, TimeUnit.SECONDS)).isEqualTo("target");
            assertThat(insert(client)).isEqualTo("target");
        }
        assertThat(pgbouncer.paused()).isFalse();
        assertThat(count(source)).isEqualTo(1);
        assertThat(count(target)).isEqualTo(2);
        String after = Files.readString(pgbouncer.config());
        assertThat(after).isEqualTo(before.replace("dbname=" + databaseName(source) + " pool_size=4",
                "dbname=" + databaseName(target) + " pool_size=4"));
        assertThat(traffic.problems()).as("pointing at the target is a state a rollback starts from").isEmpty();

        TrafficSwitch.Drain back = traffic.hold(Side.TARGET, Instant.now().plusSeconds(5));
        assertThat(back.drained()).isTrue();
        traffic.release(Side.SOURCE);
        try (Connection client = pgbouncer.client()) {
            assertThat(insert(client)).isEqualTo("source");
        }
        assertThat(Files.readString(pgbouncer.config())).isEqualTo(before);
    }

    @Test
    void holdWhoseDeadlinePassesWithATransactionOpenResumesAndSaysItDidNotDrain() throws Exception {
        PgBouncerSwitch traffic = traffic();
        try (Connection open = pgbouncer.client()) {
            open.setAutoCommit(false);
            insert(open);

            Instant started = Instant.now();
            TrafficSwitch.Drain drain = traffic.hold(Side.SOURCE, started.plusSeconds(1));

            assertThat(Duration.between(started, Instant.now())).isLessThan(Duration.ofSeconds(4));
            assertThat(drain.drained()).isFalse();
            assertThat(drain.detail()).contains("1 server connection(s)", "resumed");
            assertThat(pgbouncer.paused()).isFalse();
            try (Connection other = pgbouncer.client()) {
                assertThat(CompletableFuture.supplyAsync(() -> insertUnchecked(other), clients)
                        .get(5, TimeUnit.SECONDS)).isEqualTo("source");
            }
            open.commit();
        }
        traffic.release(Side.SOURCE); // what the cutover does when it gives up
        assertThat(pgbouncer.paused()).isFalse();
        assertThat(count(source)).isEqualTo(2);
    }

    @Test
    void releaseWhenNothingIsPausedIsHarmlessAndLeavesTheFileAlone() throws Exception {
        String before = Files.readString(pgbouncer.config());
        PgBouncerSwitch traffic = traffic();

        traffic.release(Side.SOURCE);
        traffic.release(Side.SOURCE);

        assertThat(Files.readString(pgbouncer.config())).isEqualTo(before);
        assertThat(pgbouncer.paused()).isFalse();
        try (Connection client = pgbouncer.client()) {
            assertThat(insert(client)).isEqualTo("source");
        }
    }

    @Test
    void problemsNameAMissingEntryAndAnUnreachableConsole() throws Exception {
        assertThat(traffic("nosuch").problems()).anySatisfy(problem -> assertThat(problem)
                .contains("has no entry nosuch in its [databases] section"))
                .anySatisfy(problem -> assertThat(problem).contains("lists no database nosuch"));

        String admin = pgbouncer.adminUrl();
        pgbouncer.close();
        PgBouncerSwitch gone = new PgBouncerSwitch(new PgBouncerSettings(Endpoint.of(admin, "postgres"),
                PgBouncerProcess.DATABASE, pgbouncer.config().resolveSibling("missing.ini")), source, target);
        assertThat(gone.problems()).anySatisfy(problem -> assertThat(problem).contains("does not exist"))
                .anySatisfy(problem -> assertThat(problem).contains("admin console at " + admin + " cannot be reached"));
    }

    @Test
    void pgbouncerPausedByAKilledProcessIsResumedByItsGuardWithoutARestart() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                PgBouncerHolder.class.getName(), pgbouncer.adminUrl(), pgbouncer.config().toString(),
                PgBouncerProcess.DATABASE, source.url(), target.url())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader output = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                    StandardCharsets.UTF_8));
            Future<String> line = clients.submit(output::readLine);
            assertThat(line.get(60, TimeUnit.SECONDS)).isEqualTo("held true");
            assertThat(pgbouncer.paused()).isTrue();
        } finally {
            holder.destroyForcibly(); // SIGKILL: nothing in the process runs after it
            holder.waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(holder.exitValue()).isEqualTo(137);

        // the holder's guard saw its pipe close and resumed PgBouncer, well before the holder's
        // deadline (30 s, plus the guard's margin) could have ended the pause
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> !pgbouncer.paused());
        try (Connection client = pgbouncer.client()) {
            assertThat(CompletableFuture.supplyAsync(() -> insertUnchecked(client), clients)
                    .get(5, TimeUnit.SECONDS)).isEqualTo("source");
        }
        // a restarted daemon's recovery releases again, which is harmless
        traffic().release(Side.SOURCE);
        assertThat(pgbouncer.paused()).isFalse();
    }

    @Test
    void aGuardResumesAPauseThatOutlastsItsDeadlineAndADisarmedOneLeavesPgBouncerAlone() throws Exception {
        try (PauseGuard guard = PauseGuard.start(pgbouncer.adminEndpoint(), PgBouncerProcess.DATABASE,
                Instant.now().plusSeconds(2));
             AdminConsole admin = pgbouncer.admin()) {
            admin.execute("PAUSE " + PgBouncerProcess.DATABASE);
            assertThat(pgbouncer.paused()).isTrue();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> !pgbouncer.paused());
        }

        PauseGuard disarmed = PauseGuard.start(pgbouncer.adminEndpoint(), PgBouncerProcess.DATABASE,
                Instant.now().plusSeconds(2));
        try (AdminConsole admin = pgbouncer.admin()) {
            admin.execute("PAUSE " + PgBouncerProcess.DATABASE);
            disarmed.disarm();
            Thread.sleep(4_000);
            assertThat(pgbouncer.paused()).as("a disarmed guard does nothing when its deadline passes").isTrue();
            admin.execute("RESUME " + PgBouncerProcess.DATABASE);
        }
    }

    @Test
    void aGuardThatCannotReachTheAdminConsoleStopsThePauseBeforeItStarts() {
        Endpoint nowhere = Endpoint.of("jdbc:postgresql://127.0.0.1:1/pgbouncer", "postgres");
        PgBouncerSwitch traffic = new PgBouncerSwitch(new PgBouncerSettings(nowhere, PgBouncerProcess.DATABASE,
                pgbouncer.config()), source, target);
        Throwable refused = org.assertj.core.api.Assertions.catchThrowable(
                () -> traffic.hold(Side.SOURCE, Instant.now().plusSeconds(5)));
        assertThat(refused).hasMessageContaining("was not paused")
                .hasMessageContaining("the guard that resumes it if the daemon dies mid-cutover did not start");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"plain", "md5", "scram-sha-256"})
    void adminConsoleLogsInWithAPassword(String authType) throws Exception {
        pgbouncer.close();
        pgbouncer = PgBouncerProcess.start(EmbeddedPostgres.port(), databaseName(source), authType, "keeper",
                "s3cret 'pass'");
        PgBouncerSwitch traffic = new PgBouncerSwitch(new PgBouncerSettings(pgbouncer.adminEndpoint(),
                PgBouncerProcess.DATABASE, pgbouncer.config()), source, target);

        assertThat(traffic.problems()).isEmpty();
        traffic.release(Side.SOURCE);

        PgBouncerSwitch wrong = new PgBouncerSwitch(new PgBouncerSettings(new Endpoint(pgbouncer.adminUrl(), "keeper",
                java.util.Optional.of("ADMIN_PASSWORD"), java.util.Optional.of("wrong")), PgBouncerProcess.DATABASE,
                pgbouncer.config()), source, target);
        assertThat(wrong.problems()).singleElement().satisfies(problem -> assertThat(problem)
                .contains("cannot be reached as keeper"));
    }

    private static String insert(Connection client) throws SQLException {
        try (Statement statement = client.createStatement();
             ResultSet row = statement.executeQuery("INSERT INTO writes DEFAULT VALUES RETURNING side")) {
            row.next();
            return row.getString(1);
        }
    }

    private static String insertUnchecked(Connection client) {
        try {
            return insert(client);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long count(Endpoint database) throws SQLException {
        try (Connection connection = EmbeddedPostgres.connect(database); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT count(*) FROM writes")) {
            row.next();
            return row.getLong(1);
        }
    }

    private static String databaseName(Endpoint database) {
        return database.url().substring(database.url().lastIndexOf('/') + 1);
    }
}
