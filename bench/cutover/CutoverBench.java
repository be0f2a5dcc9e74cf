import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.safeshift.app.Migration;
import dev.safeshift.engine.Engines;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.Plan;
import dev.safeshift.plan.PlanLoader;
import dev.safeshift.router.RouteUnavailableException;
import dev.safeshift.router.RoutedConnection;
import dev.safeshift.router.RoutingDataSource;
import dev.safeshift.run.MigrationDaemon;
import dev.safeshift.run.RunListener;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.Phase;
import dev.safeshift.store.TimelineEvent;
import dev.safeshift.verify.Scope;
import dev.safeshift.verify.VerifyListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * The cutover benchmark's driver (bench/cutover/run starts it): an application writing at a fixed
 * rate through the routing DataSource, a daemon in this process, ROUNDS cutovers each followed by
 * a rollback, then TRIGGER_ROUNDS cutovers after which the target fails one statement in twenty
 * until the plan's error-rate trigger rolls back by itself. It reports the write pause of every
 * switch as the daemon measured it (hold to release), the longest time an insert took as the
 * application saw it, the time from the first failing statement and from the trigger firing to
 * the traffic being back on the source, and the acknowledged writes missing at the end.
 */
public final class CutoverBench {

    private static final long MS = 1_000_000;

    public static void main(String[] args) throws Exception {
        Path planFile = Path.of(args[0]);
        int rounds = Integer.parseInt(args[1]);
        int rate = Integer.parseInt(args[2]);
        int triggerRounds = Integer.parseInt(args[3]);
        Path out = Path.of(args[4]);
        Plan plan = PlanLoader.load(planFile, System.getenv());
        List<String> failures = new ArrayList<>();

        try (ControlStore store = ControlStore.open(plan.controlEndpoint(), plan.control().schema())) {
            MigrationDaemon daemon = new MigrationDaemon(plan, store, Engines.forEndpoints(plan.source(), plan.moveTarget()),
                    RunListener.SILENT, "bench");
            AtomicBoolean daemonFailed = new AtomicBoolean();
            Thread runner = new Thread(() -> {
                try {
                    daemon.run();
                } catch (Exception e) {
                    daemonFailed.set(true);
                    e.printStackTrace();
                }
            }, "bench-daemon");
            runner.start();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (store.find(plan.name()).map(m -> m.phase() != Phase.STREAMING).orElse(true)) {
                if (daemonFailed.get() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("the daemon did not reach STREAMING");
                }
                Thread.sleep(200);
            }
            long id = store.require(plan.name()).id();
            Migration migration = new Migration(plan, "bench");

            try (HikariDataSource source = pool(plan.source()); HikariDataSource target = pool(plan.moveTarget());
                 HikariDataSource control = pool(plan.controlEndpoint());
                 RoutingDataSource router = RoutingDataSource.builder().source(source).target(target).control(control)
                         .migration(plan.name()).build();
                 Writer writer = new Writer(router, rate)) {
                Thread.sleep(5_000);
                if (!migration.verify(List.of(), Scope.full(), 2, VerifyListener.NONE).clean()) {
                    throw new IllegalStateException("the first verification was not clean");
                }
                List<Long> pauses = new ArrayList<>();
                List<Long> backPauses = new ArrayList<>();
                List<Long> worstInsertMillis = new ArrayList<>();
                for (int round = 1; round <= rounds; round++) {
                    writer.latency.reset();
                    Migration.SwitchAnswer cut = migration.cutover();
                    if (!cut.switched()) {
                        failures.add("cutover " + round + ": " + cut.text());
                        continue;
                    }
                    pauses.add(lastPause(store, id, "cutover-switched"));
                    Thread.sleep(3_000);
                    worstInsertMillis.add(writer.latency.getIntervalHistogram().getMaxValue() / MS);
                    Migration.SwitchAnswer back = migration.rollback();
                    if (!back.switched()) {
                        failures.add("rollback " + round + ": " + back.text());
                        break;
                    }
                    backPauses.add(lastPause(store, id, "rollback-switched"));
                    Thread.sleep(3_000);
                    System.out.printf("round %d: cutover pause %d ms, rollback pause %d ms%n", round,
                            pauses.get(pauses.size() - 1), backPauses.get(backPauses.size() - 1));
                }

                List<Long> sinceFirstError = new ArrayList<>();
                List<Long> sinceFired = new ArrayList<>();
                for (int round = 1; round <= triggerRounds; round++) {
                    Migration.SwitchAnswer cut = migration.cutover();
                    if (!cut.switched()) {
                        failures.add("trigger round " + round + " cutover: " + cut.text());
                        continue;
                    }
                    Thread.sleep(2_000);
                    writer.firstError.set(0);
                    writer.inject.set(true);
                    long waitUntil = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
                    while (store.require(plan.name()).phase() != Phase.STREAMING && System.nanoTime() < waitUntil) {
                        Thread.sleep(20);
                    }
                    writer.inject.set(false);
                    if (store.require(plan.name()).phase() != Phase.STREAMING) {
                        failures.add("trigger round " + round + ": no automatic rollback within 2 minutes");
                        break;
                    }
                    Instant back = lastEvent(store, id, "rollback-switched").at();
                    Instant fired = lastEvent(store, id, "trigger-fired").at();
                    sinceFirstError.add(back.toEpochMilli() - writer.firstError.get());
                    sinceFired.add(Duration.between(fired, back).toMillis());
                    System.out.printf("trigger round %d: back on the source %d ms after the first failing statement,"
                            + " %d ms after the trigger fired%n", round, sinceFirstError.get(sinceFirstError.size() - 1),
                            sinceFired.get(sinceFired.size() - 1));
                    Thread.sleep(3_000);
                }

                writer.close();
                boolean drained = migration.awaitDrained(Duration.ofMinutes(2));
                Set<Integer> present = rows(plan.source());
                Set<Integer> lost = new HashSet<>(writer.acknowledged);
                lost.removeAll(present);
                String report = report(plan, rate, rounds, pauses, backPauses, worstInsertMillis, sinceFirstError,
                        sinceFired, writer, lost.size(), drained, failures);
                Files.writeString(out, report);
                System.out.println(report);
            } finally {
                daemon.stop();
                runner.join(60_000);
            }
        }
        if (!failures.isEmpty()) {
            System.exit(1);
        }
    }

    /** Inserts rows at a fixed rate through the router; acknowledged keys and insert latencies are kept. */
    private static final class Writer implements AutoCloseable {
        final Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
        final Recorder latency = new Recorder(2);
        final AtomicBoolean inject = new AtomicBoolean();
        final AtomicLong firstError = new AtomicLong();
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger held = new AtomicInteger();
        final AtomicInteger injected = new AtomicInteger();
        final List<String> unexpected = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final ScheduledExecutorService threads = Executors.newScheduledThreadPool(8);

        Writer(RoutingDataSource router, int rate) {
            long periodMicros = 1_000_000L * 8 / rate;
            for (int i = 0; i < 8; i++) {
                threads.scheduleAtFixedRate(() -> write(router), i * periodMicros / 8, periodMicros, TimeUnit.MICROSECONDS);
            }
        }

        private void write(RoutingDataSource router) {
            int n = next.incrementAndGet();
            long started = System.nanoTime();
            try (RoutedConnection connection = router.getConnection()) {
                if (inject.get() && n % 20 == 0 && connection.side() == dev.safeshift.router.Route.TARGET) {
                    firstError.compareAndSet(0, System.currentTimeMillis());
                    try (Statement failing = connection.createStatement()) {
                        failing.execute("SELECT 1 / 0");
                    }
                }
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO public.ledger (writer, n, note) VALUES (1, ?, 'bench')")) {
                    insert.setInt(1, n);
                    insert.executeUpdate();
                }
                acknowledged.add(n);
                latency.recordValue(System.nanoTime() - started);
            } catch (RouteUnavailableException e) {
                held.incrementAndGet();
            } catch (SQLException e) {
                if ("22012".equals(e.getSQLState())) {
                    injected.incrementAndGet(); // the division by zero the round injects
                } else if (unexpected.size() < 20) {
                    unexpected.add(e.getSQLState() + " " + e.getMessage());
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            threads.shutdown();
            threads.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    private static HikariDataSource pool(Endpoint endpoint) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(endpoint.url());
        config.setUsername(endpoint.user());
        endpoint.password().ifPresent(config::setPassword);
        config.setMaximumPoolSize(8);
        return new HikariDataSource(config);
    }

    private static TimelineEvent lastEvent(ControlStore store, long id, String kind) {
        List<TimelineEvent> events = new ArrayList<>(store.timeline(id));
        Collections.reverse(events);
        return events.stream().filter(event -> event.kind().equals(kind)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + kind + " event"));
    }

    private static long lastPause(ControlStore store, long id, String kind) {
        String detail = lastEvent(store, id, kind).detail();
        String key = "\"writePauseMillis\":";
        int at = detail.indexOf(key) + key.length();
        int end = at;
        while (end < detail.length() && Character.isDigit(detail.charAt(end))) {
            end++;
        }
        return Long.parseLong(detail.substring(at, end));
    }

    private static Set<Integer> rows(Endpoint endpoint) throws SQLException {
        Set<Integer> rows = new HashSet<>();
        try (Connection connection = DriverManager.getConnection(endpoint.url(), endpoint.user(),
                endpoint.password().orElse(null));
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT n FROM public.ledger WHERE writer = 1")) {
            while (result.next()) {
                rows.add(result.getInt(1));
            }
        }
        return rows;
    }

    private static long percentile(List<Long> values, double percent) {
        if (values.isEmpty()) {
            return -1;
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static String row(String what, List<Long> values, String target) {
        return "| " + what + " | " + values.size() + " | " + percentile(values, 50) + " | " + percentile(values, 99) + " | "
                + (values.isEmpty() ? -1 : Collections.max(values)) + " | " + target + " |\n";
    }

    private static String report(Plan plan, int rate, int rounds, List<Long> pauses, List<Long> backPauses,
                                 List<Long> worstInsert, List<Long> sinceFirstError, List<Long> sinceFired, Writer writer,
                                 int lost, boolean drained, List<String> failures) {
        StringBuilder text = new StringBuilder();
        text.append("Cutover benchmark: ").append(rounds).append(" cutovers and rollbacks under ").append(rate)
                .append(" inserts/s through the routing DataSource, write pause budget ")
                .append(plan.cutover().writePauseBudget().toMillis()).append(" ms.\n\n");
        text.append("| measure (ms) | n | p50 | p99 | max | target or peer |\n|---|---|---|---|---|---|\n");
        text.append(row("write pause of a cutover (hold to release, as the daemon measured it)", pauses,
                "p99 ≤ 500; gh-ost's cut-over lock timeout 3,000, Spirit's and Vitess's 30,000 (their defaults)"));
        text.append(row("write pause of a rollback", backPauses, "same"));
        text.append(row("slowest insert seen by the application during a cutover round", worstInsert, "—"));
        text.append(row("first failing statement on the target → traffic back on the source", sinceFirstError,
                "≤ 30,000; PlanetScale's revert \"under a minute\""));
        text.append(row("trigger fired → traffic back on the source", sinceFired, "—"));
        text.append("\nAcknowledged inserts: ").append(writer.acknowledged.size()).append("; missing on the source at the end: ")
                .append(lost).append(" (target 0)").append(drained ? "" : " — the stream had not drained, so this may overcount")
                .append(". New transactions refused after the router's maxHold: ").append(writer.held.get())
                .append("; statements failed by injection: ").append(writer.injected.get())
                .append("; other failures: ").append(writer.unexpected.size()).append(".\n");
        if (lost > 0) {
            failures.add(lost + " acknowledged inserts are missing on the source");
        }
        writer.unexpected.forEach(failure -> failures.add("an insert failed: " + failure));
        if (!failures.isEmpty()) {
            text.append("\nFAILURES:\n");
            failures.forEach(failure -> text.append("- ").append(failure).append('\n'));
        }
        return text.toString();
    }
}
