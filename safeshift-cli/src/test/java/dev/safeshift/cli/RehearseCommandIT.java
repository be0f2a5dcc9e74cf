package dev.safeshift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.testing.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * safeshift rehearse on a real source of 1,000,000 rows, rehearsed on the same embedded server as
 * scratch: samples are drawn, each step is timed at every scale and scaled to the table's size,
 * the verdict follows the plan's limits, the rehearsal is kept in the control store and shown by
 * status, the source is left unchanged and every scratch database is dropped.
 */
class RehearseCommandIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCALES = "0.5%,1%,2%";
    private static Endpoint source;

    @TempDir
    Path directory;

    @BeforeAll
    static void createPayments() throws Exception {
        source = EmbeddedPostgres.newDatabase("rehearse");
        Databases.sql(source,
                "CREATE TABLE payments (id bigint PRIMARY KEY, amount int NOT NULL, note varchar(10), "
                        + "created timestamptz NOT NULL DEFAULT now())",
                "INSERT INTO payments SELECT g, g % 1000, 'n' || (g % 100), now() - g * interval '1 s' "
                        + "FROM generate_series(1, 1000000) g",
                "VACUUM ANALYZE payments");
    }

    private Path plan(String name, String apply, String... statements) throws Exception {
        StringBuilder change = new StringBuilder();
        for (String statement : statements) {
            change.append("  - ").append(statement).append('\n');
        }
        Path plan = directory.resolve(name + ".yaml");
        Files.writeString(plan, "name: " + name + "\n"
                + "source:\n  url: " + source.url() + "\n  user: " + source.user() + "\n"
                + "tables:\n  - source: public.payments\n"
                + "change:\n" + change
                + "apply:\n" + apply);
        return plan;
    }

    private static String scratch() {
        return EmbeddedPostgres.url("postgres");
    }

    @Test
    void rehearsesTheOnlineStepsScalesThemToTheTableAndSaysGo() throws Exception {
        Path plan = plan("rehearse_go", "  max-write-wait: 2s\n",
                "ALTER TABLE payments ADD CONSTRAINT amount_nonnegative CHECK (amount >= 0)",
                "CREATE INDEX payments_created ON payments (created)");
        List<String> before = scratchDatabases();

        CommandRun run = CommandRun.of("rehearse", plan.toString(), "--json", "--scales", SCALES, "--repeat", "1",
                "--scratch", scratch());

        assertThat(run.exitCode()).as(run.stdout()).isZero();
        JsonNode report = JSON.readTree(run.stdout());
        assertThat(report.get("verdict").asText()).isEqualTo("GO");
        assertThat(report.get("mode").asText()).isEqualTo("online");
        JsonNode table = report.get("tables").get(0);
        assertThat(table.get("table").asText()).isEqualTo("public.payments");
        assertThat(table.get("production_rows").asLong()).isEqualTo(1_000_000);
        List<Long> sampleRows = new ArrayList<>();
        table.get("samples").forEach(sample -> sampleRows.add(sample.get("rows").asLong()));
        // BERNOULLI samples of 0.5%, 1% and 2%: about 5,000, 10,000 and 20,000 rows
        assertThat(sampleRows).hasSize(3);
        assertThat(sampleRows.get(0)).isBetween(4_000L, 6_000L);
        assertThat(sampleRows.get(2)).isBetween(18_000L, 22_000L);

        JsonNode steps = report.get("steps");
        assertThat(steps).extracting(step -> step.get("sql").asText()).containsExactly(
                "ALTER TABLE \"public\".\"payments\" ADD CONSTRAINT amount_nonnegative CHECK (amount >= 0) NOT VALID",
                "ALTER TABLE \"public\".\"payments\" VALIDATE CONSTRAINT \"amount_nonnegative\"",
                "CREATE INDEX CONCURRENTLY \"payments_created\" ON payments (created)");
        JsonNode validate = steps.get(1);
        assertThat(validate.get("work").asText()).isEqualTo("full_scan");
        assertThat(validate.get("growth").asText()).isEqualTo("linear");
        assertThat(validate.get("blocks_writes").asBoolean()).isFalse();
        assertThat(validate.get("measured")).hasSize(3);
        double largestSample = validate.get("measured").get(2).get("seconds").asDouble();
        JsonNode predicted = validate.get("predicted");
        assertThat(predicted.get("seconds").asDouble()).as("a scan of 50 times the rows takes longer than the sample's")
                .isGreaterThan(largestSample);
        assertThat(predicted.get("low_seconds").asDouble()).isLessThan(predicted.get("seconds").asDouble());
        assertThat(predicted.get("high_seconds").asDouble()).isGreaterThan(predicted.get("seconds").asDouble());
        assertThat(steps.get(0).get("growth").asText()).isEqualTo("constant");
        assertThat(steps.get(0).get("blocks_writes").asBoolean()).isTrue();
        assertThat(steps.get(2).get("growth").asText()).isEqualTo("n log n");

        // nothing changed on the source, nothing left on the scratch server
        assertThat(Databases.scalar(source, "SELECT count(*) FROM pg_constraint WHERE conname = 'amount_nonnegative'"))
                .isEqualTo("0");
        assertThat(Databases.scalar(source, "SELECT to_regclass('payments_created') IS NULL")).isEqualTo("t");
        assertThat(scratchDatabases()).isEqualTo(before);

        CommandRun status = CommandRun.of("status", plan.toString());
        assertThat(status.exitCode()).as(status.stdout()).isZero();
        assertThat(status.stdout()).contains("Rehearsal: GO").contains("Applied: nothing yet");
    }

    @Test
    void aRewriteUnderAccessExclusiveLongerThanTheLimitIsNoGo() throws Exception {
        Path plan = plan("rehearse_rewrite", "  max-write-wait: 1s\n  window: 1s\n",
                "ALTER TABLE payments ALTER COLUMN amount TYPE bigint");

        CommandRun run = CommandRun.of("rehearse", plan.toString(), "--as-written", "--scales", SCALES, "--repeat", "1",
                "--scratch", scratch());

        assertThat(run.exitCode()).as(run.stdout()).isEqualTo(RehearseCommand.NO_GO_EXIT_CODE);
        assertThat(run.stdout()).contains("Verdict: NO-GO")
                .contains("holds AccessExclusiveLock on public.payments")
                .contains("longer than apply.max-write-wait (1s)")
                .contains("longer than the maintenance window apply.window (1s)");
        assertThat(Databases.scalar(source, "SELECT format_type(atttypid, NULL) FROM pg_attribute "
                + "WHERE attrelid = 'payments'::regclass AND attname = 'amount'")).isEqualTo("integer");
    }

    @Test
    void aStepThatFailsOnTheSampleIsNoGoWithTheServersMessage() throws Exception {
        Path plan = plan("rehearse_fails", "  max-write-wait: 2s\n",
                "ALTER TABLE payments ADD CONSTRAINT amount_large CHECK (amount > 500)");
        List<String> before = scratchDatabases();

        CommandRun run = CommandRun.of("rehearse", plan.toString(), "--scales", SCALES, "--repeat", "1",
                "--scratch", scratch());

        assertThat(run.exitCode()).as(run.stdout()).isEqualTo(RehearseCommand.NO_GO_EXIT_CODE);
        assertThat(run.stdout()).contains("FAILED").contains("failed on the sample")
                .contains("is violated by some row");
        assertThat(scratchDatabases()).isEqualTo(before);
    }

    @Test
    void aTableNeverAnalysedIsRefusedBecauseNothingCanBeScaledToIt() throws Exception {
        Endpoint fresh = EmbeddedPostgres.newDatabase("rehearse_unanalysed");
        Databases.sql(fresh, "CREATE TABLE payments (id bigint PRIMARY KEY, amount int NOT NULL)");
        Path plan = directory.resolve("unanalysed.yaml");
        Files.writeString(plan, "name: unanalysed\n"
                + "source:\n  url: " + fresh.url() + "\n  user: " + fresh.user() + "\n"
                + "tables:\n  - source: public.payments\n"
                + "change:\n  - ALTER TABLE payments ADD CONSTRAINT amount_nonnegative CHECK (amount >= 0)\n");

        CommandRun run = CommandRun.of("rehearse", plan.toString(), "--scratch", scratch());

        assertThat(run.exitCode()).isEqualTo(8);
        CommandRun status = CommandRun.of("status", plan.toString());
        assertThat(status.exitCode()).isZero();
        assertThat(status.stdout()).contains("Nothing recorded yet");
        assertThat(Databases.scalar(fresh, "SELECT to_regnamespace('safeshift') IS NULL"))
                .as("asking for the status created no control store in the source database").isEqualTo("t");
    }

    @Test
    void aRehearsalStoppedWithSigtermDropsItsScratchDatabasesWhichHoldProductionRows() throws Exception {
        Path plan = plan("rehearse_stopped", "  max-write-wait: 2s\n",
                "ALTER TABLE payments ADD CONSTRAINT amount_nonnegative CHECK (amount >= 0)");
        List<String> before = scratchDatabases();
        Path log = directory.resolve("rehearse.log");

        Process rehearse = ChildProcess.start(directory, log, Map.of(), "rehearse", plan.toString(), "--scales",
                "1%,2%", "--repeat", "10", "--scratch", scratch());
        try {
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.readString(log).contains("Running the change"));
            assertThat(scratchDatabases()).as("the staging database and a run's database exist").hasSizeGreaterThan(
                    before.size());
            rehearse.destroy(); // SIGTERM, as Ctrl-C
            assertThat(rehearse.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            rehearse.destroyForcibly();
        }

        assertThat(scratchDatabases()).as(Files.readString(log)).isEqualTo(before);
    }

    @Test
    void badSampleOptionsAreRefusedBeforeConnecting() throws Exception {
        Path plan = plan("rehearse_options", "  max-write-wait: 2s\n", "ALTER TABLE payments ADD COLUMN x int");

        assertThat(CommandRun.of("rehearse", plan.toString(), "--sample", "0%").exitCode()).isEqualTo(2);
        assertThat(CommandRun.of("rehearse", plan.toString(), "--sample", "5").exitCode()).isEqualTo(2);
        assertThat(CommandRun.of("rehearse", plan.toString(), "--scales", "1%").exitCode()).isEqualTo(2);
        assertThat(CommandRun.of("rehearse", plan.toString(), "--repeat", "0").exitCode()).isEqualTo(2);
    }

    private static List<String> scratchDatabases() throws Exception {
        String names = Databases.scalar(Endpoint.of(scratch(), "postgres"), "SELECT coalesce(string_agg(datname, ',' "
                + "ORDER BY datname), '') FROM pg_database WHERE datname LIKE 'safeshift_rehearse_%'");
        return names.isEmpty() ? List.of() : List.of(names.split(","));
    }
}
