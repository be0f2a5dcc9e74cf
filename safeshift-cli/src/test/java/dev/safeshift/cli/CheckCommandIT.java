package dev.safeshift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.testing.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * safeshift check on the classic case: a CHECK constraint added to a 2,000,000-row table, which
 * PostgreSQL validates with a full scan under ACCESS EXCLUSIVE, read from a real source.
 */
class CheckCommandIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADD_CHECK = "ALTER TABLE payments ADD CONSTRAINT amount_positive CHECK (amount >= 0)";

    private static Endpoint source;

    @TempDir
    Path directory;

    @BeforeAll
    static void createPayments() throws Exception {
        source = EmbeddedPostgres.newDatabase("check");
        Databases.sql(source,
                "CREATE TABLE payments (id bigint PRIMARY KEY, amount int NOT NULL, note varchar(10), "
                        + "created timestamptz NOT NULL DEFAULT now())",
                "INSERT INTO payments SELECT g, g % 1000, 'n' || (g % 100), now() FROM generate_series(1, 2000000) g",
                "ANALYZE payments");
    }

    private Path plan(String change) throws Exception {
        Path plan = directory.resolve("plan.yaml");
        Files.writeString(plan, "name: payments_check\n"
                + "source:\n  url: " + source.url() + "\n  user: " + source.user() + "\n"
                + "tables:\n  - source: public.payments\n"
                + "owners:\n  - name: Ada Lovelace\n    role: migration lead\n"
                + "change:" + change);
        return plan;
    }

    private static JsonNode effectOn(JsonNode statement, String table) {
        for (JsonNode effect : statement.get("effects")) {
            if (effect.get("table").asText().equals(table)) {
                return effect;
            }
        }
        throw new AssertionError("no effect on " + table + " in " + statement);
    }

    private static List<String> rules(JsonNode statement) {
        List<String> rules = new ArrayList<>();
        statement.get("findings").forEach(finding -> rules.add(finding.get("rule").asText()));
        return rules;
    }

    @Test
    void flagsTheFullScanUnderAccessExclusiveAndProposesNotValidThenValidate() throws Exception {
        CommandRun run = CommandRun.of("check", plan("\n  - " + ADD_CHECK + "\n").toString(), "--json");

        assertThat(run.exitCode()).as(run.stdout()).isEqualTo(CheckCommand.FINDINGS_EXIT_CODE);
        JsonNode report = JSON.readTree(run.stdout());
        JsonNode table = report.get("tables").get("public.payments");
        assertThat(table.get("rows").asLong()).isEqualTo(2_000_000);
        assertThat(table.get("read_bytes_per_second").asLong()).isPositive();

        JsonNode statement = report.get("statements").get(0);
        assertThat(statement.get("sql").asText()).isEqualTo(ADD_CHECK);
        JsonNode effect = effectOn(statement, "public.payments");
        assertThat(effect.get("lock").asText()).isEqualTo("AccessExclusiveLock");
        assertThat(effect.get("blocks_reads").asBoolean()).isTrue();
        assertThat(effect.get("work").asText()).isEqualTo("full_scan");
        // The time is the table's data read at the speed measured on this server.
        double seconds = effect.get("estimate").get("seconds").asDouble();
        double expected = (double) table.get("data_bytes").asLong() / table.get("read_bytes_per_second").asLong();
        assertThat(seconds).isCloseTo(expected, org.assertj.core.data.Percentage.withPercentage(1));
        assertThat(effect.get("writes_blocked_seconds").asDouble()).isEqualTo(seconds);

        JsonNode finding = null;
        for (JsonNode candidate : statement.get("findings")) {
            if (candidate.get("rule").asText().equals("constraint-missing-not-valid")) {
                finding = candidate;
            }
        }
        assertThat(finding).as("constraint-missing-not-valid in %s", statement).isNotNull();
        assertThat(finding.get("severity").asText()).isEqualTo("high");
        assertThat(finding.get("advice").asText()).contains("NOT VALID").contains("VALIDATE CONSTRAINT");
        assertThat(report.get("fails").asBoolean()).isTrue();
    }

    @Test
    void theSafeFormPassesAndFailOnDecidesTheExitCode() throws Exception {
        Path plan = plan("\n  - |\n    SET lock_timeout = '2s';\n"
                + "    ALTER TABLE payments ADD CONSTRAINT amount_small CHECK (amount < 100000) NOT VALID;\n"
                + "    ALTER TABLE payments VALIDATE CONSTRAINT amount_small;\n");
        CommandRun run = CommandRun.of("check", plan.toString(), "--json");

        JsonNode report = JSON.readTree(run.stdout());
        JsonNode validate = report.get("statements").get(2);
        JsonNode effect = effectOn(validate, "public.payments");
        assertThat(effect.get("lock").asText()).isEqualTo("ShareUpdateExclusiveLock");
        assertThat(effect.get("blocks_writes").asBoolean()).isFalse();
        assertThat(effect.get("work").asText()).isEqualTo("full_scan");
        assertThat(effect.get("writes_blocked_seconds").asDouble()).isZero();
        assertThat(effectOn(report.get("statements").get(1), "public.payments").get("work").asText())
                .isEqualTo("catalog_only");
        assertThat(report.get("counts").get("high").asInt()).as(run.stdout()).isZero();
        assertThat(run.exitCode()).isZero();

        assertThat(CommandRun.of("check", plan.toString(), "--fail-on", "info").exitCode())
                .isEqualTo(report.get("counts").get("info").asInt() + report.get("counts").get("low").asInt()
                        + report.get("counts").get("medium").asInt() > 0 ? CheckCommand.FINDINGS_EXIT_CODE : 0);
    }

    @Test
    void theTraceAgreesWithTheRulesOnTheClassicCase() throws Exception {
        CommandRun run = CommandRun.of("check", plan("\n  - " + ADD_CHECK + "\n").toString(), "--json", "--trace",
                "--scratch", EmbeddedPostgres.url("postgres"), "--scratch-user", "postgres");

        JsonNode report = JSON.readTree(run.stdout());
        assertThat(report.get("trace_server").asText()).startsWith("PostgreSQL 14.");
        JsonNode statement = report.get("statements").get(0);
        JsonNode trace = statement.get("trace");
        assertThat(trace.get("traced").asBoolean()).isTrue();
        assertThat(trace.get("locks").toString()).contains("\"relation\":\"public.payments\",\"mode\":\"AccessExclusiveLock\"");
        assertThat(trace.get("scanned").toString()).contains("public.payments");
        assertThat(rules(statement)).doesNotContain("trace-disagrees", "trace-failed");
        assertThat(effectOn(statement, "public.payments").get("lock").asText()).isEqualTo("AccessExclusiveLock");
    }

    @Test
    void aMigrationFileIsParsedByLineAndASyntaxErrorIsAFindingNotASkip() throws Exception {
        Path migrations = Files.createDirectories(directory.resolve("migrations"));
        Files.writeString(migrations.resolve("V7__add_checks.sql"), "-- the classic mistake\n" + ADD_CHECK + ";\n\n"
                + "ALTER TABLE payments ADD COLUMN;\n");
        CommandRun run = CommandRun.of("check", plan(" migrations/V7__add_checks.sql\n").toString(), "--json");

        JsonNode statements = JSON.readTree(run.stdout()).get("statements");
        assertThat(statements).hasSize(2);
        assertThat(statements.get(0).get("origin").asText()).isEqualTo("migrations/V7__add_checks.sql");
        assertThat(statements.get(0).get("line").asInt()).isEqualTo(1);
        assertThat(statements.get(1).get("line").asInt()).isEqualTo(4);
        assertThat(statements.get(1).get("parse_problem").asText()).contains("syntax error").contains("line 4");
        assertThat(rules(statements.get(1))).contains("not-parsed");
        assertThat(run.exitCode()).isEqualTo(CheckCommand.FINDINGS_EXIT_CODE);
    }

    @Test
    void aPlanWithoutAChangeIsRefused() throws Exception {
        Path plan = directory.resolve("move.yaml");
        Files.writeString(plan, "name: payments_move\nsource:\n  url: " + source.url() + "\n  user: postgres\n"
                + "target:\n  url: " + source.url() + "\n  user: postgres\ntables:\n  - source: public.payments\n");

        assertThat(CommandRun.of("check", plan.toString()).exitCode()).isEqualTo(2);
        assertThat(CommandRun.of("check", plan.toString(), "--fail-on", "loud").exitCode()).isEqualTo(2);
    }
}
