package dev.safeshift.cli;

import static dev.safeshift.cli.Databases.scalar;
import static dev.safeshift.cli.Databases.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.Engines;
import dev.safeshift.plan.ControlSpec;
import dev.safeshift.plan.CopySettings;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.Plan;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.plan.TableSpec;
import dev.safeshift.store.ChunkRecord;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.DaemonLock;
import dev.safeshift.store.Phase;
import dev.safeshift.store.StreamState;
import dev.safeshift.store.TimelineEvent;
import dev.safeshift.testing.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon keeps its lock or stops, says when it is gone, and rides out lost connections and a
 * restarted server without losing a change.
 */
class LivenessIT {

    @TempDir
    Path directory;

    private static Plan plan(String name, Endpoint source, Endpoint target, long rowsPerChunk) {
        QualifiedName orders = new QualifiedName("public", "orders");
        return new Plan(null, name, source, target, List.of(new TableSpec(orders, orders, List.of())),
                new ControlSpec(Optional.empty(), ControlSpec.DEFAULT_SCHEMA), new CopySettings(2, rowsPerChunk),
                Optional.empty(), List.of());
    }

    private static void ordersTable(Endpoint source, int rows) throws Exception {
        sql(source, "CREATE TABLE public.orders (id int PRIMARY KEY, total int, note text)",
                "INSERT INTO public.orders SELECT g, g, repeat('x', 200) FROM generate_series(1, " + rows + ") g");
    }

    /** Ends the sessions holding advisory locks in the control store's database: the daemon's lock. */
    private static int endLockSessions(Endpoint control) throws Exception {
        String database = control.url().substring(control.url().lastIndexOf('/') + 1);
        return Integer.parseInt(scalar(control, "SELECT count(pg_terminate_backend(l.pid)) FROM pg_locks l"
                + " JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND d.datname = '"
                + database + "' AND l.pid <> pg_backend_pid()"));
    }

    /**
     * Ends the daemon's lock sessions and takes the lock in their place. A terminated session lets
     * go of its lock only once its backend has exited (pg_terminate_backend does not wait), and the
     * daemon may take the lock back first; either way the lock is in use, and the sessions are ended
     * again until this test's session is the one that gets it.
     */
    private static DaemonLock steal(Endpoint control, String migration) {
        java.util.concurrent.atomic.AtomicReference<DaemonLock> taken = new java.util.concurrent.atomic.AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
            endLockSessions(control);
            try {
                taken.set(DaemonLock.acquire(control, ControlSpec.DEFAULT_SCHEMA, migration));
                return true;
            } catch (SafeshiftException e) {
                if (e.kind() != SafeshiftException.Kind.IN_USE) {
                    throw e;
                }
                return false;
            }
        });
        return taken.get();
    }

    private static List<String> events(ControlStore store, String migration, String kind) {
        return store.timeline(store.require(migration).id()).stream().filter(e -> e.kind().equals(kind))
                .map(TimelineEvent::detail).toList();
    }

    @Test
    void aLockSessionThatEndsIsTakenBackAndTheDaemonGoesOn() throws Exception {
        Endpoint source = EmbeddedPostgres.newDatabase("lock_source");
        Endpoint target = EmbeddedPostgres.newDatabase("lock_target");
        ordersTable(source, 1_000);
        Plan plan = plan("locked", source, target, 500);
        try (ControlStore store = ControlStore.open(target, ControlSpec.DEFAULT_SCHEMA);
             DaemonThread daemon = DaemonThread.start(plan, store, Engines.forEndpoints(source, target))) {
            assertThat(daemon.awaitStreaming(store, "locked")).isNull();

            assertThat(endLockSessions(target)).isEqualTo(1);

            await().atMost(Duration.ofSeconds(30)).until(() -> !events(store, "locked", "daemon-lock-retaken").isEmpty());
            assertThat(DaemonLock.isHeld(target, ControlSpec.DEFAULT_SCHEMA, "locked")).isTrue();
            SafeshiftException second = org.assertj.core.api.Assertions.catchThrowableOfType(SafeshiftException.class,
                    () -> new dev.safeshift.run.MigrationDaemon(plan, store, Engines.forEndpoints(source, target),
                            dev.safeshift.run.RunListener.SILENT, "second").run());
            assertThat(second.kind()).isEqualTo(SafeshiftException.Kind.IN_USE);
            sql(source, "UPDATE public.orders SET total = 0 WHERE id <= 10");
            Convergence.awaitIdentical(source, target, "public.orders", Duration.ofMinutes(1), daemon::failure);
        }
    }

    @Test
    void aDaemonWhoseLockAnotherTookStops() throws Exception {
        Endpoint source = EmbeddedPostgres.newDatabase("stolen_source");
        Endpoint target = EmbeddedPostgres.newDatabase("stolen_target");
        ordersTable(source, 1_000);
        Plan plan = plan("stolen", source, target, 500);
        try (ControlStore store = ControlStore.open(target, ControlSpec.DEFAULT_SCHEMA);
             DaemonThread daemon = DaemonThread.start(plan, store, Engines.forEndpoints(source, target))) {
            assertThat(daemon.awaitStreaming(store, "stolen")).isNull();

            try (DaemonLock other = steal(target, "stolen")) {
                await().atMost(Duration.ofSeconds(30)).until(() -> daemon.failure() != null);
                assertThat(daemon.failure()).isInstanceOf(SafeshiftException.class)
                        .hasMessageContaining("another daemon took it");
                assertThat(((SafeshiftException) daemon.failure()).kind()).isEqualTo(SafeshiftException.Kind.IN_USE);
            }
            assertThat(store.require("stolen").phase()).as("the other daemon's migration is not marked failed")
                    .isEqualTo(Phase.STREAMING);
        }
    }

    @Test
    void aKilledDaemonIsReportedGoneWithTheLogItsSlotKeeps() throws Exception {
        Endpoint source = EmbeddedPostgres.newDatabase("killed_source");
        Endpoint target = EmbeddedPostgres.newDatabase("killed_target");
        ordersTable(source, 1_000);
        Path plan = PlanFiles.write(directory, "gone", source, target, "public.orders", "stream:\n  warn-retained-wal: 1MB\n");
        Path output = directory.resolve("daemon.log");
        Process daemon = ChildProcess.start(directory, output, Map.of(), "run", plan.toString());
        try (ControlStore store = ControlStore.open(target, ControlSpec.DEFAULT_SCHEMA)) {
            await().atMost(Duration.ofMinutes(2)).until(() -> !daemon.isAlive()
                    || store.find("gone").map(m -> m.phase() == Phase.STREAMING).orElse(false));
            assertThat(daemon.isAlive()).as("daemon output: %s", Files.readString(output)).isTrue();
            daemon.destroyForcibly(); // SIGKILL: no clean-up, no last words
            assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        // the source goes on writing; the slot keeps its log for the stream that is no longer there
        for (int i = 0; i < 5; i++) {
            sql(source, "UPDATE public.orders SET note = repeat('y', 400)");
        }

        CommandRun status = CommandRun.of("status", "--json", plan.toString());
        assertThat(status.exitCode()).isZero();
        JsonNode json = new ObjectMapper().readTree(status.stdout());
        assertThat(json.path("daemon").path("running").asBoolean()).isFalse();
        assertThat(json.path("daemon").path("name").asText()).isNotEmpty();
        assertThat(json.path("retainedWal").path("bytes").asLong()).isGreaterThan(1L << 20);
        assertThat(json.path("retainedWal").path("aboveWarning").asBoolean()).isTrue();

        CommandRun text = CommandRun.of("status", plan.toString());
        assertThat(text.stdout()).contains("daemon  NOT RUNNING since").contains("stopped sending heartbeats")
                .contains("of write-ahead log for slot safeshift_gone_")
                .contains("WARNING: that is more than 1024 kB (stream.warn-retained-wal)");
    }

    @Test
    void endedSessionsDuringTheBackfillAndTheStreamAreRetriedAndNothingIsLost() throws Exception {
        Endpoint source = EmbeddedPostgres.newDatabase("severed_source");
        Endpoint target = EmbeddedPostgres.newDatabase("severed_target");
        ordersTable(source, 60_000);
        Plan plan = plan("severed", source, target, 1_000);
        try (ControlStore store = ControlStore.open(target, ControlSpec.DEFAULT_SCHEMA);
             DaemonThread daemon = DaemonThread.start(plan, store, Engines.forEndpoints(source, target))) {
            await().atMost(Duration.ofMinutes(1)).until(() -> daemon.failure() != null || store.find("severed")
                    .map(m -> store.chunks(m.id()).stream().filter(ChunkRecord::done).count() >= 5).orElse(false));
            assertThat(endSessions(source, target)).isPositive();
            assertThat(daemon.awaitStreaming(store, "severed")).isNull();

            sql(source, "UPDATE public.orders SET total = -1 WHERE id <= 500");
            await().atMost(Duration.ofMinutes(1)).until(() -> store.stream(store.require("severed").id())
                    .map(StreamState::eventsApplied).orElse(0L) > 0);
            assertThat(endSessions(source, target)).isPositive();
            sql(source, "UPDATE public.orders SET total = -2 WHERE id BETWEEN 501 AND 1000",
                    "DELETE FROM public.orders WHERE id > 59000");

            Convergence.awaitIdentical(source, target, "public.orders", Duration.ofMinutes(2), daemon::failure);
            assertThat(events(store, "severed", "retry")).hasSizeGreaterThanOrEqualTo(2);
        }
    }

    /** Ends every session of the two databases but this test's own: the daemon's copies, stream and store. */
    private static int endSessions(Endpoint source, Endpoint target) throws Exception {
        String sourceDb = source.url().substring(source.url().lastIndexOf('/') + 1);
        String targetDb = target.url().substring(target.url().lastIndexOf('/') + 1);
        return Integer.parseInt(scalar(source, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                + " WHERE datname IN ('" + sourceDb + "', '" + targetDb + "') AND pid <> pg_backend_pid()"));
    }

    @Test
    void aRestartedServerIsRiddenOutWhileStreaming() throws Exception {
        try (RestartableServer server = RestartableServer.start(directory)) {
            Endpoint source = server.newDatabase("restart_source");
            Endpoint target = server.newDatabase("restart_target");
            ordersTable(source, 5_000);
            Plan plan = plan("restarted", source, target, 1_000);
            try (ControlStore store = ControlStore.open(target, ControlSpec.DEFAULT_SCHEMA);
                 DaemonThread daemon = DaemonThread.start(plan, store, Engines.forEndpoints(source, target))) {
                assertThat(daemon.awaitStreaming(store, "restarted")).isNull();
                sql(source, "UPDATE public.orders SET total = -1 WHERE id <= 100");

                server.restart();

                sql(source, "UPDATE public.orders SET total = -2 WHERE id BETWEEN 101 AND 200",
                        "INSERT INTO public.orders VALUES (9999, 9, 'after the restart')");
                Convergence.awaitIdentical(source, target, "public.orders", Duration.ofMinutes(2), daemon::failure);
                assertThat(events(store, "restarted", "retry")).isNotEmpty();
                assertThat(daemon.stop()).isNull();
            }
        }
    }
}
