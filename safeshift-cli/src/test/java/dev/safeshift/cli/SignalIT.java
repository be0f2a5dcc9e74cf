package dev.safeshift.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.safeshift.plan.Endpoint;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.MigrationRecord;
import dev.safeshift.store.Phase;
import dev.safeshift.store.TimelineEvent;
import dev.safeshift.testing.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM (what Ctrl-C, systemd and Kubernetes send) stops the daemon cleanly, like `safeshift stop`. */
class SignalIT {

    @TempDir
    Path directory;

    @Test
    void sigtermStopsTheDaemonCleanly() throws Exception {
        Endpoint source = EmbeddedPostgres.newDatabase("signal_source");
        Endpoint target = EmbeddedPostgres.newDatabase("signal_target");
        try (Connection connection = EmbeddedPostgres.connect(source); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE public.notes (id int PRIMARY KEY, body text)");
            statement.execute("INSERT INTO public.notes SELECT g, 'note ' || g FROM generate_series(1, 1000) g");
        }
        Path plan = PlanFiles.write(directory, "notes", source, target, "public.notes", "");
        Process daemon = ChildProcess.start(directory, directory.resolve("out.log"), Map.of(), "run", plan.toString());
        try (ControlStore store = ControlStore.open(target, "safeshift")) {
            await().atMost(Duration.ofMinutes(2)).until(() -> !daemon.isAlive()
                    || store.find("notes").map(m -> m.phase() == Phase.STREAMING).orElse(false));
            assertThat(daemon.isAlive()).isTrue();

            daemon.destroy(); // SIGTERM
            assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).as("daemon exits after SIGTERM").isTrue();

            MigrationRecord migration = store.require("notes");
            assertThat(migration.phase()).isEqualTo(Phase.STOPPED);
            assertThat(store.timeline(migration.id())).extracting(TimelineEvent::kind).contains("daemon-stopped");
        }
    }
}
