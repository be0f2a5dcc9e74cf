package dev.safeshift.cli;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.safeshift.app.Daemon;
import dev.safeshift.app.Migration;
import dev.safeshift.cli.demo.PaymentsTable;
import dev.safeshift.cli.demo.PaymentsWorkload;
import dev.safeshift.cli.demo.RowByRow;
import dev.safeshift.dashboard.DashboardServer;
import dev.safeshift.jdbc.Connections;
import dev.safeshift.plan.ControlSpec;
import dev.safeshift.plan.CopySettings;
import dev.safeshift.plan.CutoverSettings;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.Owner;
import dev.safeshift.plan.Plan;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.plan.TableSpec;
import dev.safeshift.router.RoutingDataSource;
import dev.safeshift.store.Phase;
import dev.safeshift.store.StatusFormatter;
import dev.safeshift.trigger.Condition;
import dev.safeshift.trigger.Metric;
import dev.safeshift.trigger.OnInconclusive;
import dev.safeshift.trigger.ProviderKind;
import dev.safeshift.trigger.TriggerAction;
import dev.safeshift.trigger.TriggerSpec;
import dev.safeshift.verify.Scope;
import dev.safeshift.verify.VerificationReport;
import dev.safeshift.verify.VerifyListener;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true, description = {
        "Move a busy payments table on an embedded PostgreSQL, no setup needed.",
        "Backfills under a live write workload that connects through safeshift-jdbc's routing DataSource, streams the",
        "changes, verifies with checksums computed in both databases while the stream runs, cuts the application over",
        "to the target with an error-rate trigger watching it, and proves that no acknowledged write was lost and that",
        "source = target row by row. Without --break, one query pattern spikes briefly on the target and the trigger",
        "records a near-miss; with --break, it keeps failing, the trigger fires and Safeshift rolls back by itself."})
final class DemoCommand implements Callable<Integer> {

    /**
     * The demo's rollback trigger: more than 2% of statements failing over 2 s, in four evaluations
     * a second apart. A spike shorter than a second shows in at most three of them (each second of
     * samples is in two or three windows), so the near-miss cannot fire it.
     */
    private static final TriggerSpec ERRORS = new TriggerSpec("payment-errors", Metric.ERROR_RATE, ProviderKind.ROUTER,
            Optional.empty(), Condition.parse("> 2%", Metric.ERROR_RATE), Duration.ofSeconds(1), Duration.ofSeconds(2), 50,
            4, TriggerAction.ROLLBACK, Optional.of("Demo Operator"), Optional.of(Duration.ofSeconds(30)),
            OnInconclusive.WAIT);

    @Option(names = "--rows", defaultValue = "1000000", description = "Rows in the payments table (default: ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--writes-per-second", defaultValue = "200",
            description = "Write rate of the simulated application (default: ${DEFAULT-VALUE}).")
    int writesPerSecond;

    @Option(names = "--stream-seconds", defaultValue = "15",
            description = "How long to keep streaming changes after the backfill (default: ${DEFAULT-VALUE}).")
    int streamSeconds;

    @Option(names = "--break", description = "After the cutover, make one query pattern fail on the target until the"
            + " trigger rolls the application back to the source.")
    boolean breakTarget;

    @picocli.CommandLine.Mixin
    Options.DashboardAddress dashboard = new Options.DashboardAddress();

    @Option(names = "--debug", description = "Print the log and stack traces to the terminal.")
    void debug(boolean enabled) {
        if (enabled) {
            Logging.enableDebug();
        }
    }

    @Override
    public Integer call() throws Exception {
        if (rows < 1 || writesPerSecond < 1 || streamSeconds < 0) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--rows and --writes-per-second must be at least 1, --stream-seconds at least 0");
        }
        TerminalProgress progress = new TerminalProgress(System.out);
        progress.info("Starting embedded PostgreSQL with wal_level=logical ...");
        try (EmbeddedPostgres server = EmbeddedPostgres.builder()
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "4")
                .setServerConfig("max_wal_senders", "4")
                .start()) {
            Endpoint admin = Endpoint.of(server.getJdbcUrl("postgres", "postgres"), "postgres");
            Endpoint source = database(admin, server, "shop");
            Endpoint target = database(admin, server, "shop_new");
            Instant fillStart = Instant.now();
            try (Connection connection = Connections.open(source, "source")) {
                PaymentsTable.create(connection, rows);
            }
            progress.info(String.format("Created public.payments in database shop with %,d rows (%d s).", rows,
                    Duration.between(fillStart, Instant.now()).toSeconds()));
            Plan plan = new Plan(null, "demo_payments", source, target,
                    List.of(new TableSpec(new QualifiedName("public", "payments"), new QualifiedName("public", "payments"), List.of())),
                    new ControlSpec(Optional.empty(), ControlSpec.DEFAULT_SCHEMA),
                    new CopySettings(2, Math.max(1_000, rows / 10)),
                    Optional.empty(),
                    List.of(new Owner("Demo Operator", "migration lead", null)))
                    .withCutover(CutoverSettings.DEFAULTS.withTriggers(List.of(ERRORS)));
            if (!dashboard.given()) {
                return move(plan, progress);
            }
            try (DashboardServer page = dashboard.start(plan, Optional.empty(), System.out)) {
                return move(plan, progress);
            }
        }
    }

    private int move(Plan plan, TerminalProgress progress) throws Exception {
        Migration migration = new Migration(plan, Options.actor());
        try (HikariDataSource source = pool(plan.source()); HikariDataSource target = pool(plan.moveTarget());
             PaymentsWorkload workload = new PaymentsWorkload(source, rows, writesPerSecond, false).start();
             Daemon daemon = migration.daemon(progress)) {
            progress.info("An application is now writing about " + writesPerSecond + " changes/s to the source.");
            AtomicReference<Exception> failure = new AtomicReference<>();
            Thread runner = new Thread(() -> {
                try {
                    daemon.run();
                } catch (Exception e) {
                    failure.set(e);
                }
            }, "safeshift-daemon");
            runner.start();
            awaitPhase(migration, runner, Phase.STREAMING);
            try (RoutingDataSource router = RoutingDataSource.builder().source(source).target(target).control(target)
                    .migration(plan.name()).build()) {
                workload.connectThrough(router);
                progress.info("The application now connects through the routing DataSource (safeshift-jdbc).");
                Thread.sleep(streamSeconds * 1000L);
                boolean verified = verify(migration, progress);
                boolean onTarget = cutOver(migration, progress) && (breakTarget
                        ? breakAndRollBack(migration, workload, runner, progress)
                        : nearMiss(migration, workload, progress));
                workload.close();
                progress.info(String.format("Application stopped after %,d writes. Waiting for the stream to drain ...",
                        workload.writes()));
                boolean drained = runner.isAlive() && migration.awaitDrained(Duration.ofMinutes(2));
                if (failure.get() != null) {
                    throw failure.get();
                }
                if (!drained) {
                    progress.info("The stream did not drain within 2 minutes; comparing anyway.");
                }
                long lost = lostWrites(onTarget ? plan.moveTarget() : plan.source(), workload, progress, onTarget);
                daemon.stop();
                runner.join();
                if (failure.get() != null) {
                    throw failure.get();
                }
                System.out.println();
                System.out.println(new StatusFormatter().text(migration.status()));
                return prove(plan, progress) == 0 && verified && lost == 0 ? 0 : 1;
            }
        }
    }

    /** Cuts the application over to the target; false (said why) when the cutover gave up. */
    private static boolean cutOver(Migration migration, TerminalProgress progress) throws InterruptedException {
        progress.info("Cutting over: hold the application's writes, fence the source, drain with proof, switch ...");
        Migration.SwitchAnswer answer = migration.cutover();
        if (!answer.switched()) {
            // a switch is told by the daemon itself, which runs in this process
            progress.info(CutoverCommand.capitalized(answer.text()) + ".");
        }
        return answer.switched();
    }

    /** One pattern fails on the target until the trigger rolls back; true when still on the target (it did not). */
    private static boolean breakAndRollBack(Migration migration, PaymentsWorkload workload, Thread runner,
                                            TerminalProgress progress) throws InterruptedException {
        Thread.sleep(2_000);
        progress.info("Breaking the target: one payment update in ten now fails there (division by zero) ...");
        workload.breakUpdatesOnTarget(10);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (runner.isAlive() && System.nanoTime() < deadline
                && migration.phase().filter(phase -> phase == Phase.STREAMING).isEmpty()) {
            Thread.sleep(100);
        }
        workload.breakUpdatesOnTarget(0);
        boolean rolledBack = migration.phase().filter(phase -> phase == Phase.STREAMING).isPresent();
        progress.info(rolledBack
                ? "Trigger payment-errors fired and Safeshift rolled the application back to the source by itself."
                : "The trigger did not roll back within 60 s.");
        return !rolledBack;
    }

    /** A short spike on one pattern: breaches, but fewer in a row than fire the trigger. */
    private static boolean nearMiss(Migration migration, PaymentsWorkload workload, TerminalProgress progress)
            throws InterruptedException {
        Thread.sleep(3_000);
        progress.info("A short spike: for 0.4 s, one payment update in two fails on the target ...");
        workload.breakUpdatesOnTarget(2);
        Thread.sleep(400);
        workload.breakUpdatesOnTarget(0);
        Thread.sleep(5_000);
        boolean seen = migration.status().recentEvents().stream().anyMatch(event -> event.kind().equals("trigger-near-miss"));
        progress.info(seen ? "The trigger recorded a near-miss on the timeline, and the application stays on the target."
                : "The spike did not show as a near-miss (see the timeline below).");
        return migration.phase().filter(phase -> phase == Phase.CUT_OVER).isPresent();
    }

    /** Every insert the database acknowledged (and the workload did not delete since) must be found. */
    private static long lostWrites(Endpoint live, PaymentsWorkload workload, TerminalProgress progress, boolean onTarget)
            throws SQLException {
        Set<Long> expected = workload.expectedKeys();
        long found;
        try (Connection connection = Connections.open(live, onTarget ? "target" : "source");
             PreparedStatement count = connection.prepareStatement(
                     "SELECT count(*) FROM public.payments WHERE id = ANY(?)")) {
            count.setArray(1, connection.createArrayOf("bigint", expected.toArray()));
            try (ResultSet result = count.executeQuery()) {
                result.next();
                found = result.getLong(1);
            }
        }
        long lost = expected.size() - found;
        progress.info(String.format("%,d writes lost: %,d acknowledged inserts checked on the %s, %,d found.", lost,
                expected.size(), onTarget ? "target" : "source", found));
        return lost;
    }

    private static HikariDataSource pool(Endpoint endpoint) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(endpoint.url());
        config.setUsername(endpoint.user());
        endpoint.password().ifPresent(config::setPassword);
        config.setMaximumPoolSize(4);
        config.setPoolName("demo " + endpoint.url().substring(endpoint.url().lastIndexOf('/') + 1));
        return new HikariDataSource(config);
    }

    /** What `safeshift verify` does, run while the stream is still live; the result goes on record. */
    private static boolean verify(Migration migration, TerminalProgress progress) throws InterruptedException {
        progress.info("Verifying: per-chunk checksums computed inside both databases while the stream runs ...");
        VerificationReport report = migration.verify(List.of(), Scope.full(), 2, VerifyListener.NONE);
        System.out.println();
        System.out.println(new VerifyReportText(5).render(report));
        System.out.println();
        return report.clean();
    }

    private static void awaitPhase(Migration migration, Thread runner, Phase wanted) throws InterruptedException {
        while (runner.isAlive()) {
            if (migration.phase().filter(phase -> phase == wanted).isPresent()) {
                return;
            }
            Thread.sleep(200);
        }
    }

    private static int prove(Plan plan, TerminalProgress progress) throws SQLException {
        progress.info("Comparing source and target row by row ...");
        Instant start = Instant.now();
        RowByRow.Result result = RowByRow.compare(plan.source(), "public.payments", plan.moveTarget(), "public.payments", "id");
        long seconds = Duration.between(start, Instant.now()).toSeconds();
        if (result.identical()) {
            progress.info(String.format("PROVEN: source and target are identical, %,d rows compared row by row (%d s).",
                    result.sourceRows(), seconds));
            return 0;
        }
        progress.info(String.format("MISMATCH: %,d rows differ (source %,d rows, target %,d rows). Examples:",
                result.differing(), result.sourceRows(), result.targetRows()));
        result.differences().forEach(d -> System.out.println("  " + d));
        return 1;
    }

    private static Endpoint database(Endpoint admin, EmbeddedPostgres server, String name) throws SQLException {
        try (Connection connection = Connections.open(admin, "embedded");
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        return Endpoint.of(server.getJdbcUrl("postgres", name), "postgres");
    }
}
