package dev.safeshift.cli;

import static dev.safeshift.cli.Databases.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.safeshift.plan.Endpoint;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.Phase;
import dev.safeshift.store.StreamState;
import dev.safeshift.testing.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows of megabytes stream through a daemon with the launcher's small heap: memory is bounded by
 * bytes, not by a count of rows, while streaming, in one large source transaction, and when a
 * restarted daemon catches up on a backlog.
 */
class LargeValuesIT {

    @TempDir
    Path directory;

    private final Slots slots = new Slots();

    @AfterEach
    void dropSlots() throws Exception {
        slots.close();
    }

    /** About {@code megabytes} MB of text that hardly compresses: md5 digests of random numbers. */
    private static String bigText(double megabytes) {
        long digests = Math.round(megabytes * 1024 * 1024 / 32);
        return "(SELECT string_agg(md5(random()::text), '') FROM generate_series(1, " + digests + "))";
    }

    @Test
    void twoMegabyteValuesUpdatedSteadilyStreamWithinTheLaunchersHeapAndAfterAKill() throws Exception {
        Endpoint source = slots.source(EmbeddedPostgres.newDatabase("large_source"));
        Endpoint target = EmbeddedPostgres.newDatabase("large_target");
        int rows = 20;
        sql(source, "CREATE TABLE public.docs (id int PRIMARY KEY, n int NOT NULL, body text)",
                "INSERT INTO public.docs SELECT g, 0, " + bigText(2) + " FROM generate_series(1, " + rows + ") g");
        Path plan = PlanFiles.write(directory, "large", source, target, "public.docs", "");

        try (ControlStore store = ControlStore.open(target, "safeshift")) {
            Process daemon = startDaemon(plan);
            awaitStreaming(store, "large", daemon, Instant.EPOCH);
            // a few 2 MB values a second, for half a minute
            updateSteadily(source, "public.docs", rows, bigText(2), Duration.ofSeconds(30), 4);
            // one source transaction rewriting every large row at once (40 MB)
            sql(source, "UPDATE public.docs SET n = n + 1, body = " + bigText(2));
            awaitSame(source, target, daemon);
            assertThat(daemon.isAlive()).as(output()).isTrue();

            daemon.destroyForcibly(); // SIGKILL, then a backlog of 240 MB of changes waits in the slot
            assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 4; i++) {
                sql(source, "UPDATE public.docs SET n = n + 1, body = " + bigText(2) + " WHERE id % 2 = " + (i % 2));
            }
            sql(source, "UPDATE public.docs SET n = n + 1, body = " + bigText(2));
            sql(source, "UPDATE public.docs SET n = n + 1, body = " + bigText(2));
            Instant restarted = Instant.now();
            Process again = startDaemon(plan);
            awaitStreaming(store, "large", again, restarted);
            awaitSame(source, target, again);
            stopDaemon(plan, again);
        }
        assertThat(output()).doesNotContain("OutOfMemoryError").doesNotContain("out of memory");
    }

    @Test
    void wholeRowImagesOfReplicaIdentityFullStreamWithinTheLaunchersHeapAndAfterAKill() throws Exception {
        Endpoint source = slots.source(EmbeddedPostgres.newDatabase("full_source"));
        Endpoint target = EmbeddedPostgres.newDatabase("full_target");
        int rows = 60;
        sql(source, "CREATE TABLE public.wide (id int PRIMARY KEY, n int NOT NULL, body text, notes text)",
                "ALTER TABLE public.wide REPLICA IDENTITY FULL",
                "INSERT INTO public.wide SELECT g, 0, " + bigText(0.7) + ", 'row ' || g FROM generate_series(1, " + rows + ") g");
        Path plan = PlanFiles.write(directory, "wide", source, target, "public.wide", "");

        try (ControlStore store = ControlStore.open(target, "safeshift")) {
            Process daemon = startDaemon(plan);
            awaitStreaming(store, "wide", daemon, Instant.EPOCH);
            // every update carries the whole old row (0.7 MB) besides the new one
            updateSteadily(source, "public.wide", rows, bigText(0.7), Duration.ofSeconds(20), 5);
            sql(source, "UPDATE public.wide SET n = n + 1, body = " + bigText(0.7));
            awaitSame(source, target, "public.wide", daemon);

            daemon.destroyForcibly();
            assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).isTrue();
            // a backlog of 840 changes of 1.4 MB each, about 1.2 GB once decoded
            for (int i = 0; i < 14; i++) {
                sql(source, "UPDATE public.wide SET n = n + 1, body = " + bigText(0.7));
            }
            sql(source, "UPDATE public.wide SET notes = 'touched ' || id", "DELETE FROM public.wide WHERE id > 50");
            Instant restarted = Instant.now();
            Process again = startDaemon(plan);
            awaitStreaming(store, "wide", again, restarted);
            awaitSame(source, target, "public.wide", again);
            stopDaemon(plan, again);
        }
        assertThat(output()).doesNotContain("OutOfMemoryError").doesNotContain("out of memory");
    }

    private Process startDaemon(Path plan) throws Exception {
        return ChildProcess.start(directory, directory.resolve("daemon-output.log"), Map.of(),
                ChildProcess.LAUNCHER_OPTIONS, "run", plan.toString());
    }

    private String output() throws Exception {
        Path file = directory.resolve("daemon-output.log");
        return Files.exists(file) ? Files.readString(file) : "";
    }

    private void stopDaemon(Path plan, Process daemon) throws Exception {
        assertThat(Main.execute("stop", plan.toString())).isZero();
        assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).as("daemon stops on request").isTrue();
        assertThat(daemon.exitValue()).as(output()).isZero();
    }

    private void awaitStreaming(ControlStore store, String name, Process daemon, Instant since) throws Exception {
        await().atMost(Duration.ofMinutes(3)).until(() -> !daemon.isAlive() || store.find(name)
                .filter(m -> m.phase() == Phase.STREAMING)
                .flatMap(m -> store.stream(m.id()))
                .flatMap(StreamState::reportedAt)
                .map(at -> at.isAfter(since)).orElse(false));
        assertThat(daemon.isAlive()).as("daemon output: %s", output()).isTrue();
    }

    /** {@code perSecond} updates a second of one row each, round the table, for {@code duration}. */
    private static void updateSteadily(Endpoint source, String table, int rows, String value, Duration duration,
                                       int perSecond) throws Exception {
        long end = System.nanoTime() + duration.toNanos();
        int k = 0;
        try (Connection connection = EmbeddedPostgres.connect(source); Statement statement = connection.createStatement()) {
            while (System.nanoTime() < end) {
                long next = System.nanoTime() + 1_000_000_000L / perSecond;
                statement.execute("UPDATE " + table + " SET n = n + 1, body = " + value + " WHERE id = " + (k++ % rows + 1));
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    Thread.sleep(sleep / 1_000_000);
                }
            }
        }
    }

    private void awaitSame(Endpoint source, Endpoint target, Process daemon) throws Exception {
        awaitSame(source, target, "public.docs", daemon);
    }

    private void awaitSame(Endpoint source, Endpoint target, String table, Process daemon) throws Exception {
        List<String> expected = digests(source, table);
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2)).until(() -> !daemon.isAlive()
                || digests(target, table).equals(expected));
        assertThat(daemon.isAlive()).as("daemon output: %s", output()).isTrue();
        assertThat(digests(target, table)).isEqualTo(expected);
    }

    /** Each row as its key and a digest of the whole row. */
    private static List<String> digests(Endpoint endpoint, String table) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection connection = EmbeddedPostgres.connect(endpoint); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT id || ' ' || md5(t::text) FROM " + table
                     + " t ORDER BY id")) {
            while (result.next()) {
                rows.add(result.getString(1));
            }
        }
        return rows;
    }
}
