package dev.safeshift.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.RouterReport;
import dev.safeshift.testing.EmbeddedPostgres;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RoutingDataSourceIT {

    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    /** A source, a target and a control store with one migration, each in a database of its own. */
    private final class Setup {
        final Endpoint sourceDb;
        final Endpoint targetDb;
        final Endpoint controlDb;
        final HikariDataSource source;
        final HikariDataSource target;
        final HikariDataSource control;
        final ControlStore store;
        final long migrationId;
        final String name;

        Setup(String name) throws SQLException {
            this.name = name;
            sourceDb = EmbeddedPostgres.newDatabase(name + "_src");
            targetDb = EmbeddedPostgres.newDatabase(name + "_tgt");
            controlDb = EmbeddedPostgres.newDatabase(name + "_ctl");
            for (Endpoint side : List.of(sourceDb, targetDb)) {
                try (Connection connection = EmbeddedPostgres.connect(side); Statement statement = connection.createStatement()) {
                    statement.execute("CREATE TABLE accounts (id int PRIMARY KEY, balance numeric NOT NULL)");
                    statement.execute("INSERT INTO accounts SELECT g, 100 FROM generate_series(1, 50) g");
                }
            }
            source = pool(sourceDb);
            target = pool(targetDb);
            control = pool(controlDb);
            store = ControlStore.open(controlDb, "safeshift");
            opened.add(store);
            migrationId = store.register(name, "{}").id();
        }

        RoutingDataSource router(RoutingDataSource.Builder settings) throws SQLException {
            RoutingDataSource router = settings.source(source).target(target).control(control).migration(name).build();
            opened.add(router);
            return router;
        }
    }

    private HikariDataSource pool(Endpoint database) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(database.url());
        config.setUsername(database.user());
        config.setMaximumPoolSize(8);
        HikariDataSource pool = new HikariDataSource(config);
        opened.add(pool);
        return pool;
    }

    private static String databaseOf(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("SELECT current_database()")) {
            rows.next();
            return rows.getString(1);
        }
    }

    private static String databaseName(Endpoint endpoint) {
        return endpoint.url().substring(endpoint.url().lastIndexOf('/') + 1);
    }

    @Test
    void followsTheRouteTheStoreHolds() throws Exception {
        Setup setup = new Setup("route_follow");
        RoutingDataSource router = setup.router(RoutingDataSource.builder());

        try (RoutedConnection connection = router.getConnection()) {
            assertThat(connection.side()).as("no route set yet: the source").isEqualTo(Route.SOURCE);
            assertThat(databaseOf(connection)).isEqualTo(databaseName(setup.sourceDb));
        }

        long changed = System.nanoTime();
        setup.store.setRoute(setup.migrationId, dev.safeshift.store.Route.TARGET, "test");
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(5)).until(() -> router.route() == Route.TARGET);
        long followedMillis = (System.nanoTime() - changed) / 1_000_000;
        System.out.println("router followed the route change in " + followedMillis + " ms");
        try (RoutedConnection connection = router.getConnection()) {
            assertThat(connection.side()).isEqualTo(Route.TARGET);
            assertThat(databaseOf(connection)).isEqualTo(databaseName(setup.targetDb));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> setup.store.routers(setup.migrationId).stream()
                .anyMatch(report -> report.seenRoute() == dev.safeshift.store.Route.TARGET && report.seenEpoch() == 1));
    }

    @Test
    void aPauseHoldsNewTransactionsWhileRunningOnesFinishThenReleasesThemToTheTarget() throws Exception {
        Setup setup = new Setup("route_pause");
        RoutingDataSource router = setup.router(RoutingDataSource.builder());

        RoutedConnection running = router.getConnection();
        running.setAutoCommit(false);
        try (Statement statement = running.createStatement()) {
            statement.executeUpdate("UPDATE accounts SET balance = balance - 10 WHERE id = 1");
        }
        long pausedEpoch = setup.store.pauseRoute(setup.migrationId, dev.safeshift.store.Route.SOURCE, Duration.ofMinutes(1), "test").epoch();
        await().atMost(Duration.ofSeconds(5)).until(() -> router.route() == Route.PAUSED);

        CompletableFuture<String> held = CompletableFuture.supplyAsync(() -> {
            try (RoutedConnection connection = router.getConnection()) {
                return connection.side() + " " + databaseOf(connection);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> report(setup).held() == 1);
        RouterReport whileRunning = report(setup);
        assertThat(whileRunning.seenEpoch()).isEqualTo(pausedEpoch);
        assertThat(whileRunning.sourceInFlight()).as("the running transaction").isEqualTo(1);
        assertThat(whileRunning.drained(pausedEpoch, dev.safeshift.store.Route.SOURCE)).isFalse();

        // the transaction that was running when the pause came finishes on the source
        try (Statement statement = running.createStatement()) {
            statement.executeUpdate("UPDATE accounts SET balance = balance + 10 WHERE id = 2");
        }
        running.commit();
        running.close();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> report(setup).drained(pausedEpoch, dev.safeshift.store.Route.SOURCE));
        assertThat(held).isNotDone();

        setup.store.setRoute(setup.migrationId, dev.safeshift.store.Route.TARGET, "test");
        assertThat(held.get(5, TimeUnit.SECONDS)).isEqualTo("TARGET " + databaseName(setup.targetDb));
        try (Connection source = EmbeddedPostgres.connect(setup.sourceDb); Statement statement = source.createStatement();
             ResultSet rows = statement.executeQuery("SELECT balance FROM accounts WHERE id IN (1, 2) ORDER BY id")) {
            rows.next();
            assertThat(rows.getInt(1)).isEqualTo(90);
            rows.next();
            assertThat(rows.getInt(1)).isEqualTo(110);
        }
    }

    @Test
    void aPauseLongerThanMaxHoldFailsTheNewTransactionClearly() throws Exception {
        Setup setup = new Setup("route_hold");
        RoutingDataSource router = setup.router(RoutingDataSource.builder().maxHold(Duration.ofMillis(300)));
        setup.store.pauseRoute(setup.migrationId, dev.safeshift.store.Route.SOURCE, Duration.ofMinutes(1), "test");
        await().atMost(Duration.ofSeconds(5)).until(() -> router.route() == Route.PAUSED);

        long started = System.nanoTime();
        RouteUnavailableException refused = catchThrowableOfType(RouteUnavailableException.class, router::getConnection);
        long waitedMillis = (System.nanoTime() - started) / 1_000_000;

        assertThat(refused.getSQLState()).isEqualTo("08001");
        assertThat(refused.getMessage()).contains("holds new transactions", "'route_hold'", "300 ms",
                "Nothing was sent to either database");
        assertThat(waitedMillis).isBetween(290L, 3_000L);
        assertThat(report(setup).sourceInFlight() + report(setup).targetInFlight()).isZero();
    }

    @Test
    void aPauseThatOutlivesItsLeaseReleasesTrafficToWhereItWas() throws Exception {
        Setup setup = new Setup("route_lease");
        RoutingDataSource router = setup.router(RoutingDataSource.builder().maxHold(Duration.ofSeconds(5)));
        setup.store.pauseRoute(setup.migrationId, dev.safeshift.store.Route.SOURCE, Duration.ofMillis(700), "test");
        await().atMost(Duration.ofSeconds(5)).until(() -> router.route() == Route.PAUSED);

        long started = System.nanoTime();
        try (RoutedConnection connection = router.getConnection()) {
            long heldMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(connection.side()).as("the switch that paused never finished").isEqualTo(Route.SOURCE);
            assertThat(heldMillis).as("held until the lease ran out, not until maxHold").isBetween(100L, 4_000L);
        }
    }

    @Test
    void aRouterThatCannotReadTheRouteLetsNothingThroughUntilItCanAgain() throws Exception {
        Setup setup = new Setup("route_lost");
        RoutingDataSource router = setup.router(RoutingDataSource.builder()
                .staleAfter(Duration.ofMillis(400)).maxHold(Duration.ofMillis(300)));
        router.getConnection().close();

        try (Connection admin = EmbeddedPostgres.connect(EmbeddedPostgres.newDatabase("route_lost_admin"));
             Statement statement = admin.createStatement()) {
            String control = databaseName(setup.controlDb);
            statement.execute("ALTER DATABASE " + control + " ALLOW_CONNECTIONS false");
            setup.control.getHikariPoolMXBean().softEvictConnections();
            statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + control + "'");
            Thread.sleep(600);

            RouteUnavailableException refused = catchThrowableOfType(RouteUnavailableException.class, router::getConnection);
            assertThat(refused.getMessage()).contains("could not be read from the control store",
                    "Nothing was sent to either database");

            statement.execute("ALTER DATABASE " + control + " ALLOW_CONNECTIONS true");
        }
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
            try (RoutedConnection connection = router.getConnection()) {
                return connection.side() == Route.SOURCE;
            }
        });
    }

    @Test
    void publishesLatencyAndErrorsPerQueryPatternWithoutRowValues() throws Exception {
        Setup setup = new Setup("route_metrics");
        RoutingDataSource router = setup.router(RoutingDataSource.builder().reportEvery(Duration.ofMillis(200)));
        try (RoutedConnection connection = router.getConnection(); Statement statement = connection.createStatement()) {
            for (int id = 1; id <= 20; id++) {
                statement.executeUpdate("UPDATE accounts SET balance = balance + 7 WHERE id = " + id);
            }
            try (PreparedStatement select = connection.prepareStatement("SELECT balance FROM accounts WHERE id = ?")) {
                for (int id = 1; id <= 5; id++) {
                    select.setInt(1, id);
                    select.executeQuery().close();
                }
            }
            catchThrowableOfType(SQLException.class,
                    () -> statement.execute("UPDATE accounts SET balance = balance / 0 WHERE id = 3"));
        }
        router.close(); // publishes the last interval

        String update = QueryPattern.of("UPDATE accounts SET balance = balance + 7 WHERE id = 1").text();
        String select = QueryPattern.of("SELECT balance FROM accounts WHERE id = ?").text();
        String failing = QueryPattern.of("UPDATE accounts SET balance = balance / 0 WHERE id = 3").text();
        try (Connection connection = EmbeddedPostgres.connect(setup.controlDb);
             PreparedStatement query = connection.prepareStatement("SELECT side, pattern, sum(calls), sum(errors),"
                     + " array_agg(latency) FROM safeshift.router_sample WHERE migration_id = ? GROUP BY side, pattern")) {
            query.setLong(1, setup.migrationId);
            List<String> seen = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    long calls = rows.getLong(3);
                    long recorded = 0;
                    for (Object bytes : (Object[]) rows.getArray(5).getArray()) {
                        recorded += Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap((byte[]) bytes), 0).getTotalCount();
                    }
                    assertThat(recorded).as("latencies recorded for %s", rows.getString(2)).isEqualTo(calls);
                    seen.add(rows.getString(1) + " | " + rows.getString(2) + " | " + calls + " | " + rows.getLong(4));
                }
            }
            assertThat(seen).contains("SOURCE | " + update + " | 20 | 0", "SOURCE | " + select + " | 5 | 0",
                    "SOURCE | " + failing + " | 1 | 1");
            assertThat(String.join("\n", seen)).doesNotContain("+ 7").doesNotContain("/ 0");
        }
        assertThat(setup.store.routers(setup.migrationId)).as("a router closed with nothing open leaves").isEmpty();
    }

    @Test
    void aRouterForAMigrationNotInTheStoreRefusesToStart() throws Exception {
        Setup setup = new Setup("route_unknown");
        SQLException refused = catchThrowableOfType(SQLException.class, () -> RoutingDataSource.builder()
                .source(setup.source).target(setup.target).control(setup.control).migration("route_unknwn").build());
        assertThat(refused.getMessage()).contains("no migration named 'route_unknwn'", "safeshift run");
        assertThat(setup.store.routers(setup.migrationId)).isEmpty();
    }

    private static RouterReport report(Setup setup) {
        List<RouterReport> reports = setup.store.routers(setup.migrationId);
        assertThat(reports).hasSize(1);
        return reports.get(0);
    }
}
