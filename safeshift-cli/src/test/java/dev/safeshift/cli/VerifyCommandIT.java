package dev.safeshift.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.Phase;
import dev.safeshift.testing.EmbeddedPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code safeshift verify} as a user runs it next to {@code safeshift run}: while the daemon
 * streams, suspects wait for its stream; the result is kept on the migration's record; exit codes
 * and JSON say what was found; once the daemon has stopped, the report says nothing was waited for.
 */
class VerifyCommandIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    @Test
    void verifiesBesideTheRunningDaemonRecordsResultsAndReportsADifference() throws Exception {
        Endpoint source = EmbeddedPostgres.newDatabase("vc_source");
        Endpoint target = EmbeddedPostgres.newDatabase("vc_target");
        try (Connection connection = EmbeddedPostgres.connect(source); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE public.ledger (id int PRIMARY KEY, amount numeric, note text)");
            statement.execute("INSERT INTO public.ledger SELECT g, g / 4.0, 'entry ' || g FROM generate_series(1, 30000) g");
        }
        Path plan = PlanFiles.write(directory, "ledger", source, target, "public.ledger", "");

        CompletableFuture<Integer> daemon = CompletableFuture.supplyAsync(() -> Main.execute("run", plan.toString()));
        try (ControlStore store = ControlStore.open(target, "safeshift")) {
            await().atMost(Duration.ofMinutes(2)).until(() -> daemon.isDone()
                    || store.find("ledger").map(m -> m.phase() == Phase.STREAMING).orElse(false));
            assertThat(daemon.isDone()).as("daemon ended early").isFalse();

            // A change made just before is likely still in flight: it must not count as a difference.
            try (Connection connection = EmbeddedPostgres.connect(source); Statement statement = connection.createStatement()) {
                statement.execute("UPDATE public.ledger SET note = 'just changed' WHERE id = 77");
            }
            CommandRun clean = CommandRun.of("verify", plan.toString(), "--json");
            JsonNode report = JSON.readTree(clean.stdout());
            assertThat(clean.exitCode()).isZero();
            assertThat(report.path("clean").asBoolean()).isTrue();
            assertThat(report.path("notes")).as("waited for the daemon's stream").isEmpty();
            assertThat(report.path("tables").get(0).path("sourceRows").asLong()).isEqualTo(30_000);

            try (Connection connection = EmbeddedPostgres.connect(target); Statement statement = connection.createStatement()) {
                statement.execute("UPDATE public.ledger SET amount = amount + 1 WHERE id = 12345");
            }
            CommandRun different = CommandRun.of("verify", plan.toString(), "--json");
            JsonNode found = JSON.readTree(different.stdout()).path("tables").get(0);
            assertThat(different.exitCode()).isEqualTo(VerifyCommand.DIFFERENCES);
            assertThat(found.path("differing").asLong()).isEqualTo(1);
            assertThat(found.path("differences").get(0).path("key").get(0).asText()).isEqualTo("12345");
            assertThat(found.path("differences").get(0).path("differingColumns").get(0).asText()).isEqualTo("amount");

            CommandRun status = CommandRun.of("status", plan.toString());
            assertThat(status.stdout()).contains("Last verification: DIFFERENCES - 1 differing (full)");
            long id = store.require("ledger").id();
            assertThat(store.timeline(id).stream().filter(event -> event.kind().equals("verification"))).hasSize(2);

            assertThat(Main.execute("stop", plan.toString())).isZero();
            assertThat(daemon.get(60, TimeUnit.SECONDS)).isZero();
            CommandRun stopped = CommandRun.of("verify", plan.toString(), "--sample", "50%", "--seed", "3");
            assertThat(stopped.stdout()).contains("(50% sample, seed 3)")
                    .contains("Note: no change stream was running");
        }
    }

    @Test
    void aColumnAddedOnTheSourceIsADifferenceWithItsOwnExitCodeAndJson() throws Exception {
        Endpoint source = EmbeddedPostgres.newDatabase("vc_added_source");
        Endpoint target = EmbeddedPostgres.newDatabase("vc_added_target");
        for (Endpoint database : new Endpoint[] {source, target}) {
            try (Connection connection = EmbeddedPostgres.connect(database); Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE public.accounts (id int PRIMARY KEY, owner text)");
                statement.execute("INSERT INTO public.accounts SELECT g, 'owner ' || g FROM generate_series(1, 2000) g");
            }
        }
        try (Connection connection = EmbeddedPostgres.connect(source); Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE public.accounts ADD COLUMN frozen boolean NOT NULL DEFAULT false");
        }
        Path plan = PlanFiles.write(directory, "accounts", source, target, "public.accounts", "");

        CommandRun json = CommandRun.of("verify", plan.toString(), "--json");
        assertThat(json.exitCode()).isEqualTo(VerifyCommand.DIFFERENCES);
        JsonNode table = JSON.readTree(json.stdout()).path("tables").get(0);
        assertThat(table.path("columnDifferences").toString()).isEqualTo(
                "[{\"column\":\"frozen\",\"kind\":\"MISSING_IN_TARGET\",\"sourceType\":\"boolean\",\"targetType\":null}]");
        assertThat(table.path("differences")).isEmpty();
        CommandRun text = CommandRun.of("verify", plan.toString());
        assertThat(text.exitCode()).isEqualTo(VerifyCommand.DIFFERENCES);
        assertThat(text.stdout()).startsWith("Verification of accounts (full): DIFFERENCES FOUND")
                .contains("Columns that differ in public.accounts:\n  frozen: missing in target (boolean)");
    }

    @Test
    void saysSoBeforeReadingWhenTheTargetTableDoesNotExist() throws Exception {
        Endpoint source = EmbeddedPostgres.newDatabase("vc_only_source");
        Endpoint target = EmbeddedPostgres.newDatabase("vc_no_target");
        try (Connection connection = EmbeddedPostgres.connect(source); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE public.notes (id int PRIMARY KEY, body text)");
        }
        Path plan = PlanFiles.write(directory, "notes", source, target, "public.notes", "");
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(err, true), "verify", plan.toString());
        assertThat(err.toString()).contains("the target table public.notes does not exist").doesNotContain("Exception");
        assertThat(code).isEqualTo(5);
    }
}
