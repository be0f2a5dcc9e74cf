package dev.safeshift.cli;

import static dev.safeshift.cli.Databases.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.safeshift.engine.Engines;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.Plan;
import dev.safeshift.plan.PlanLoader;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.Phase;
import dev.safeshift.testing.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The go/no-go gate on a streaming migration: it fails, naming each criterion, without sign-offs,
 * with a stale verification, a rollback trigger without an owner or a check that answers false; it
 * passes when all hold; editing the plan voids its sign-offs; cutover refuses while it fails; and
 * a timeline row changed in the database is found by audit.
 */
class GateIT {

    @TempDir
    Path directory;

    @Test
    void judgesTheCutoverByItsCriteriaAndSignoffsBoundToThePlan() throws Exception {
        Endpoint source = EmbeddedPostgres.newDatabase("gate_source");
        Endpoint target = EmbeddedPostgres.newDatabase("gate_target");
        sql(source, "CREATE TABLE payments (id bigint PRIMARY KEY, amount int NOT NULL)",
                "INSERT INTO payments SELECT g, g FROM generate_series(1, 500) g");
        Path file = directory.resolve("plan.yaml");
        String plan = "name: gate_case\n"
                + "source:\n  url: " + source.url() + "\n  user: postgres\n"
                + "target:\n  url: " + target.url() + "\n  user: postgres\n"
                + "tables:\n  - source: public.payments\n"
                + "cutover:\n  verified-within: 1h\n  triggers:\n"
                + "    - name: payment_errors\n      metric: error_rate\n      provider: router\n"
                + "      condition: '> 2%'\n      action: rollback\n      owner: Ana Lima\n      deadline: 2m\n"
                + "gate:\n  signoffs: [engineering, Finance]\n  checks:\n"
                + "    - name: no_negative_amounts\n      database: source\n"
                + "      sql: SELECT count(*) = 0 FROM payments WHERE amount < 0\n"
                + "business:\n  revenue-per-minute: 1200 USD\n"
                + "risks:\n  - failure-mode: card payments fail after the switch\n    likelihood: low\n"
                + "    impact: customers cannot pay\n    mitigation: payment_errors rolls back\n    owner: Ana Lima\n";
        Files.writeString(file, plan);
        Plan loaded = PlanLoader.load(file);

        try (ControlStore store = ControlStore.open(target, "safeshift");
             DaemonThread daemon = DaemonThread.start(loaded, store, Engines.forEndpoints(source, target))) {
            assertThat(daemon.awaitStreaming(store, "gate_case")).isNull();
            long id = store.require("gate_case").id();
            await().atMost(Duration.ofSeconds(30)).until(() -> store.stream(id).flatMap(s -> s.lagMillis()).isPresent());

            CommandRun before = CommandRun.of("gate", file.toString());
            assertThat(before.exitCode()).as(before.stdout()).isEqualTo(13);
            assertThat(before.stdout()).contains("FAIL    verification").contains("never verified")
                    .contains("PASS    stream-lag")
                    .contains("PASS    rollback-triggers").contains("payment_errors: error rate > 2%, rolls back within 2m, "
                            + "owner Ana Lima")
                    .contains("FAIL    signoff:engineering").contains("FAIL    signoff:Finance")
                    .contains("PASS    check:no_negative_amounts")
                    .contains("NO-GO: 3 of 6 criteria do not pass (verification, signoff:engineering, signoff:Finance)");

            assertThat(CommandRun.of("verify", file.toString(), "--full").exitCode()).isZero();
            CommandRun wrongRole = CommandRun.of("signoff", file.toString(), "--name", "Eve", "--role", "marketing");
            assertThat(wrongRole.exitCode()).isEqualTo(2);
            assertThat(CommandRun.of("signoff", file.toString(), "--name", "Grace Hopper", "--role", "engineering")
                    .exitCode()).isZero();
            CommandRun finance = CommandRun.of("signoff", file.toString(), "--name", "Ada Lovelace", "--role", "finance",
                    "--comment", "window agreed with the payments team");
            assertThat(finance.exitCode()).as(finance.stdout()).isZero();
            assertThat(finance.stdout()).contains("Ada Lovelace signed off plan").contains("as Finance");

            CommandRun go = CommandRun.of("gate", file.toString());
            assertThat(go.exitCode()).as(go.stdout()).isZero();
            assertThat(go.stdout()).contains("PASS    signoff:Finance").contains("Ada Lovelace signed at")
                    .contains("window agreed with the payments team").contains("GO: every criterion passes.");

            // The report, parsed: its sections, and its figures against the store.
            Path html = directory.resolve("report.html");
            assertThat(CommandRun.of("report", file.toString(), "--format", "html", "--output", html.toString())
                    .exitCode()).isZero();
            Document report = Jsoup.parse(html.toFile(), "UTF-8");
            assertThat(report.select("section").eachAttr("id")).containsExactly("summary", "runbook", "go-no-go",
                    "risk-register", "timeline", "postmortem");
            assertThat(report.select("#gate tbody tr")).hasSize(6)
                    .allSatisfy(row -> assertThat(row.child(1).text()).isEqualTo("PASS"));
            assertThat(report.select("#signoffs tbody tr").eachText()).hasSize(2)
                    .anySatisfy(row -> assertThat(row).contains("Grace Hopper engineering"))
                    .anySatisfy(row -> assertThat(row).contains("Ada Lovelace Finance").contains("yes"));
            assertThat(report.select("#events tbody tr")).hasSize(store.timeline(id).size());
            assertThat(report.select("#risks tbody tr").eachText())
                    .anySatisfy(row -> assertThat(row).startsWith("card payments fail after the switch low"))
                    .anySatisfy(row -> assertThat(row).contains("writes wait up to 5s").contains("about 100 USD"))
                    .anySatisfy(row -> assertThat(row).contains("error rate > 2%").contains("about 3,000 USD"));
            assertThat(report.select("#runbook pre").eachText()).contains("safeshift cutover " + file,
                    "safeshift rollback " + file);
            assertThat(report.select("#postmortem").text()).contains("Not yet");
            assertThat(CommandRun.of("report", file.toString()).stdout()).contains("## Risk register")
                    .contains("| Grace Hopper | engineering |");

            // The plan changes (a threshold): every sign-off was of the earlier content.
            Files.writeString(file, plan.replace("'> 2%'", "'> 3%'"));
            CommandRun edited = CommandRun.of("gate", file.toString());
            assertThat(edited.exitCode()).isEqualTo(13);
            assertThat(edited.stdout()).contains("FAIL    signoff:engineering")
                    .contains("Grace Hopper signed at").contains("a version of the plan that has changed since")
                    .contains("PASS    verification");
            CommandRun refused = CommandRun.of("cutover", file.toString());
            assertThat(refused.exitCode()).isEqualTo(13);
            assertThat(refused.stdout()).contains("Nothing was done");
            assertThat(store.require("gate_case").phase()).isEqualTo(Phase.STREAMING);

            // A stale verification, a rollback trigger nobody owns, a check that answers false.
            sql(target, "UPDATE safeshift.verification SET recorded_at = recorded_at - interval '2 hours'");
            sql(source, "INSERT INTO payments VALUES (1000, -5)");
            Files.writeString(file, plan.replace("      owner: Ana Lima\n", ""));
            CommandRun failing = CommandRun.of("gate", file.toString());
            assertThat(failing.exitCode()).isEqualTo(13);
            assertThat(failing.stdout()).contains("FAIL    verification").contains("older than cutover.verified-within")
                    .contains("FAIL    rollback-triggers").contains("no owner for payment_errors")
                    .contains("FAIL    check:no_negative_amounts").contains("false (on the source)");

            // Overridden: the reason and who gave it are kept; the daemon still refuses the stale verification.
            CommandRun overridden = CommandRun.of("cutover", file.toString(), "--override", "finance agreed by phone");
            assertThat(overridden.stdout()).contains("Overriding the gate (recorded on the timeline)");
            assertThat(overridden.exitCode()).isEqualTo(8);
            assertThat(store.require("gate_case").phase()).isEqualTo(Phase.STREAMING);

            // The organization's policy, found next to the plan: its rules are criteria named after them.
            Files.writeString(directory.resolve("safeshift-policy.yaml"), "policy: acme-payments\nrules:\n"
                    + "  - name: security-signs\n    why: 2026-03 postmortem\n    signoffs: [security]\n"
                    + "  - name: clean-day\n    clean-verification-for: 24h\n");
            CommandRun withPolicy = CommandRun.of("gate", file.toString());
            assertThat(withPolicy.exitCode()).isEqualTo(13);
            assertThat(withPolicy.stdout()).contains("with policy acme-payments (safeshift-policy.yaml)")
                    .contains("FAIL    policy:security-signs").contains("[rule: 2026-03 postmortem]")
                    .contains("FAIL    policy:clean-day").contains("the policy wants clean verification for 1d");
            CommandRun security = CommandRun.of("signoff", file.toString(), "--name", "Bruce Schneier", "--role",
                    "Security");
            assertThat(security.exitCode()).as(security.stdout()).isZero();
            assertThat(CommandRun.of("gate", file.toString()).stdout()).contains("PASS    policy:security-signs");

            CommandRun audit = CommandRun.of("audit", file.toString());
            assertThat(audit.exitCode()).as(audit.stdout()).isZero();
            assertThat(audit.stdout()).contains("Timeline intact").contains("Grace Hopper (engineering)")
                    .contains("an earlier version: no longer counts").contains("finance agreed by phone");

            // Someone with the rights to get past the table's append-only trigger rewrites a sign-off: the chain breaks.
            sql(target, "SET session_replication_role = replica", "UPDATE safeshift.timeline SET detail = replace(detail, 'Ada Lovelace', 'Mallory') "
                    + "WHERE kind = 'signoff'");
            CommandRun tampered = CommandRun.of("audit", file.toString());
            assertThat(tampered.exitCode()).isEqualTo(14);
            assertThat(tampered.stdout()).contains("TIMELINE ALTERED at event")
                    .contains("Mallory (Finance)").contains("UNTRUSTED");
        }
    }
}
