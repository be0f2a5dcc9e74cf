package dev.safeshift.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.safeshift.plan.Endpoint;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.MigrationRecord;
import dev.safeshift.store.Phase;
import dev.safeshift.testing.EmbeddedPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The short-lived commands around a running daemon: status, stop, and abort. */
class StopStatusAbortIT {

    @TempDir
    Path directory;

    @Test
    void stopEndsTheDaemonStatusReportsItAndAbortRemovesEverything() throws Exception {
        Endpoint source = EmbeddedPostgres.newDatabase("abort_source");
        Endpoint target = EmbeddedPostgres.newDatabase("abort_target");
        try (Connection connection = EmbeddedPostgres.connect(source); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE public.accounts (id int PRIMARY KEY, owner text)");
            statement.execute("INSERT INTO public.accounts SELECT g, 'owner ' || g FROM generate_series(1, 5000) g");
        }
        Path plan = PlanFiles.write(directory, "accounts", source, target, "public.accounts", "");

        CompletableFuture<Integer> daemon = CompletableFuture.supplyAsync(() -> Main.execute("run", plan.toString()));
        try (ControlStore store = ControlStore.open(target, "safeshift")) {
            await().atMost(Duration.ofMinutes(2)).until(() -> daemon.isDone()
                    || store.find("accounts").map(m -> m.phase() == Phase.STREAMING).orElse(false));
            try (Connection connection = EmbeddedPostgres.connect(source); Statement statement = connection.createStatement()) {
                statement.execute("UPDATE public.accounts SET owner = 'new owner' WHERE id = 1");
            }
            long id = store.require("accounts").id();
            await().atMost(Duration.ofMinutes(1)).until(() -> store.stream(id).map(s -> s.eventsApplied() > 0).orElse(false));
            assertThat(Main.execute("stop", plan.toString())).isZero();
            assertThat(daemon.get(60, TimeUnit.SECONDS)).as("daemon exit code").isZero();
            assertThat(store.find("accounts").map(MigrationRecord::phase)).contains(Phase.STOPPED);

            StringWriter stopErr = new StringWriter();
            assertThat(Main.execute(new PrintWriter(stopErr, true), "stop", plan.toString())).isEqualTo(8);
            assertThat(stopErr.toString()).contains("no daemon is running migration 'accounts'");

            CommandRun statusRun = CommandRun.of("status", "--json", plan.toString());
            assertThat(statusRun.exitCode()).isZero();
            String status = statusRun.stdout();
            assertThat(status).contains("\"STOPPED\"").contains("accounts");

            StringWriter err = new StringWriter();
            assertThat(Main.execute(new PrintWriter(err, true), "abort", plan.toString())).isEqualTo(2);
            assertThat(err.toString()).contains("--yes");
            assertThat(slotAndPublication(source)).isEqualTo("1/1");

            assertThat(targetState(target)).as("applied position / chunk marks").isEqualTo("1/1");

            assertThat(Main.execute("abort", "--yes", plan.toString())).isZero();
            assertThat(store.find("accounts")).isEmpty();
        }
        assertThat(slotAndPublication(source)).isEqualTo("0/0");
        // nothing left that a new migration of the same name could mistake for its own
        assertThat(targetState(target)).isEqualTo("0/0");
    }

    private static String targetState(Endpoint target) throws Exception {
        try (Connection connection = EmbeddedPostgres.connect(target); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(
                     "SELECT (SELECT count(*) FROM safeshift.applied_position) || '/' ||"
                             + " (SELECT count(DISTINCT capture_name) FROM safeshift.copied_chunk)")) {
            result.next();
            return result.getString(1);
        }
    }

    private static String slotAndPublication(Endpoint source) throws Exception {
        try (Connection connection = EmbeddedPostgres.connect(source); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(
                     "SELECT (SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'safeshift\\_accounts\\_%'"
                             + " AND database = current_database()) || '/' ||"
                             + " (SELECT count(*) FROM pg_publication WHERE pubname LIKE 'safeshift\\_accounts\\_%')")) {
            result.next();
            return result.getString(1);
        }
    }
}
