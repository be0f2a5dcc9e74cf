package dev.safeshift.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.safeshift.cli.demo.RowByRow;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.store.ChunkRecord;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.MigrationRecord;
import dev.safeshift.store.Phase;
import dev.safeshift.store.StreamState;
import dev.safeshift.testing.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the daemon as a real child process and kills it with SIGKILL at random moments, during the
 * backfill and while streaming, under a concurrent writer; after the last restart the target must
 * equal the source row for row.
 */
class KillAndResumeIT {

    private static final long ROWS = 150_000;
    private static final String NAME = "killed";

    @TempDir
    Path directory;

    @Test
    void survivesKillNineDuringBackfillAndStreaming() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Endpoint source = EmbeddedPostgres.newDatabase("kill_source");
        Endpoint target = EmbeddedPostgres.newDatabase("kill_target");
        try (Connection connection = EmbeddedPostgres.connect(source)) {
            AllTypesTable.create(connection, ROWS);
        }
        Path plan = PlanFiles.write(directory, NAME, source, target, "public.everything",
                "copy:\n  parallelism: 1\n  rows-per-chunk: 2000\n");
        List<String> killedIn = new ArrayList<>();

        try (AllTypesWriter writer = new AllTypesWriter(source, ROWS, 200).start();
             ControlStore store = ControlStore.open(target, "safeshift")) {
            // Three kills while chunks are being copied, at random chunk counts and delays.
            Process daemon = startDaemon(plan);
            await().atMost(Duration.ofMinutes(2)).until(() -> chunksDone(store) >= 1 || !daemon.isAlive());
            for (int kill = 0; kill < 3; kill++) {
                Process running = kill == 0 ? daemon : startDaemon(plan);
                int doneBefore = chunksDone(store);
                int waitFor = doneBefore + 1 + random.nextInt(8);
                await().atMost(Duration.ofMinutes(2)).until(() -> chunksDone(store) >= waitFor || !running.isAlive()
                        || phase(store) != Phase.BACKFILL);
                Thread.sleep(random.nextInt(300));
                killedIn.add(phase(store) + " after " + chunksDone(store) + " chunks");
                killNine(running);
            }
            // Three kills while streaming, at random times after streaming resumed.
            for (int kill = 0; kill < 3; kill++) {
                Instant started = Instant.now();
                Process running = startDaemon(plan);
                await().atMost(Duration.ofMinutes(3)).until(() -> streamingSince(store, started) || !running.isAlive());
                assertThat(running.isAlive()).as("daemon alive; see " + log()).isTrue();
                Thread.sleep(random.nextInt(4_000));
                killedIn.add(phase(store) + " with " + store.stream(migrationId(store)).map(StreamState::eventsApplied)
                        .orElse(0L) + " changes applied by this daemon");
                killNine(running);
            }
            Instant started = Instant.now();
            Process last = startDaemon(plan);
            await().atMost(Duration.ofMinutes(3)).until(() -> streamingSince(store, started) || !last.isAlive());
            Thread.sleep(2_000);
            writer.close();
            Convergence.awaitIdentical(source, target, "public.everything", Duration.ofMinutes(2), () -> null);
            assertThat(Main.execute("stop", plan.toString())).isZero();
            assertThat(last.waitFor(60, TimeUnit.SECONDS)).as("daemon stops on request").isTrue();
            assertThat(last.exitValue()).isZero();
        }

        System.out.println("kill -9 points (seed " + seed + "): " + killedIn);
        RowByRow.Result result = RowByRow.compare(source, "public.everything", target, "public.everything", "id");
        assertThat(result.differences()).as("seed %d, kills %s", seed, killedIn).isEmpty();
        assertThat(result.identical()).isTrue();
        assertThat(killedIn.stream().filter(k -> k.startsWith("BACKFILL")).count())
                .as("kills during backfill: %s", killedIn).isGreaterThanOrEqualTo(2);
        assertThat(killedIn.stream().filter(k -> k.startsWith("STREAMING")).count())
                .as("kills while streaming: %s", killedIn).isGreaterThanOrEqualTo(3);
    }

    private Process startDaemon(Path plan) throws IOException {
        return ChildProcess.start(directory, log().toPath(), Map.of(), "run", plan.toString());
    }

    private File log() {
        return directory.resolve("daemon-output.log").toFile();
    }

    private static void killNine(Process process) throws InterruptedException {
        process.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    private static long migrationId(ControlStore store) {
        return store.find(NAME).map(MigrationRecord::id).orElse(-1L);
    }

    private static Phase phase(ControlStore store) {
        return store.find(NAME).map(MigrationRecord::phase).orElse(Phase.PLANNED);
    }

    private static int chunksDone(ControlStore store) {
        long id = migrationId(store);
        return id < 0 ? 0 : (int) store.chunks(id).stream().filter(ChunkRecord::done).count();
    }

    /** Streaming, and a daemon started after {@code since} has reported applying changes. */
    private static boolean streamingSince(ControlStore store, Instant since) {
        return phase(store) == Phase.STREAMING && store.stream(migrationId(store))
                .filter(stream -> stream.eventsApplied() > 0)
                .flatMap(StreamState::reportedAt)
                .map(at -> at.isAfter(since)).orElse(false);
    }
}
