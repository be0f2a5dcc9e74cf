package dev.safeshift.cli;

import dev.safeshift.app.Daemon;
import dev.safeshift.app.Migration;
import dev.safeshift.cli.demo.PaymentsTable;
import dev.safeshift.cli.demo.PaymentsWorkload;
import dev.safeshift.cli.demo.RowByRow;
import dev.safeshift.jdbc.Connections;
import dev.safeshift.plan.ControlSpec;
import dev.safeshift.plan.CopySettings;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.Owner;
import dev.safeshift.plan.Plan;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.plan.TableSpec;
import dev.safeshift.store.Phase;
import dev.safeshift.store.StatusFormatter;
import dev.safeshift.verify.Scope;
import dev.safeshift.verify.VerificationReport;
import dev.safeshift.verify.VerifyListener;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true, description = {
        "Move a busy payments table on an embedded PostgreSQL, no setup needed.",
        "Backfills under a live write workload, streams the changes, verifies with checksums computed in both",
        "databases while the stream runs, then proves source = target row by row."})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--rows", defaultValue = "1000000", description = "Rows in the payments table (default: ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--writes-per-second", defaultValue = "200",
            description = "Write rate of the simulated application (default: ${DEFAULT-VALUE}).")
    int writesPerSecond;

    @Option(names = "--stream-seconds", defaultValue = "15",
            description = "How long to keep streaming changes after the backfill (default: ${DEFAULT-VALUE}).")
    int streamSeconds;

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
                    List.of(new Owner("Demo Operator", "migration lead", null)));
            return move(plan, progress);
        }
    }

    private int move(Plan plan, TerminalProgress progress) throws Exception {
        Migration migration = new Migration(plan, Options.actor());
        try (PaymentsWorkload workload = new PaymentsWorkload(plan.source(), rows, writesPerSecond, false).start();
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
            awaitStreaming(migration, runner);
            Thread.sleep(streamSeconds * 1000L);
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
            boolean verified = verify(migration, progress);
            daemon.stop();
            runner.join();
            if (failure.get() != null) {
                throw failure.get();
            }
            System.out.println();
            System.out.println(new StatusFormatter().text(migration.status()));
            return prove(plan, progress) == 0 && verified ? 0 : 1;
        }
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

    private static void awaitStreaming(Migration migration, Thread runner) throws InterruptedException {
        while (runner.isAlive()) {
            if (migration.phase().filter(phase -> phase == Phase.STREAMING).isPresent()) {
                return;
            }
            Thread.sleep(200);
        }
    }

    private static int prove(Plan plan, TerminalProgress progress) throws SQLException {
        progress.info("Comparing source and target row by row ...");
        Instant start = Instant.now();
        RowByRow.Result result = RowByRow.compare(plan.source(), "public.payments", plan.target(), "public.payments", "id");
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
