package dev.safeshift.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safeshift.gate.Criterion;
import dev.safeshift.gate.GateReport;
import dev.safeshift.gate.Verdict;
import dev.safeshift.plan.ControlSpec;
import dev.safeshift.plan.CopySettings;
import dev.safeshift.plan.CutoverSettings;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.Owner;
import dev.safeshift.plan.Plan;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.plan.RetrySettings;
import dev.safeshift.plan.RiskSpec;
import dev.safeshift.plan.StreamSettings;
import dev.safeshift.plan.TableSpec;
import dev.safeshift.store.TimelineEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MigrationReportTest {

    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
    private static final Endpoint DB = new Endpoint("jdbc:postgresql://db/shop", "u", Optional.empty(), Optional.empty());

    @Test
    void turnsTimeIntoMoneyWithTheRevenuePerMinute() {
        Optional<RiskSpec.Money> perMinute = Optional.of(RiskSpec.Money.parse("1200 USD"));

        assertThat(RiskRegister.atRisk(perMinute, Duration.ofHours(4))).isEqualTo("about 288,000 USD");
        assertThat(RiskRegister.atRisk(perMinute, Duration.ofSeconds(5))).isEqualTo("about 100 USD");
        assertThat(RiskRegister.atRisk(Optional.empty(), Duration.ofSeconds(5))).startsWith("not stated");
    }

    @Test
    void writesTheSameDocumentAsMarkdownAndEscapedHtml() {
        Plan plan = plan(new RiskSpec(Optional.of(RiskSpec.Money.parse("60 EUR")), List.of(new RiskSpec.Entry(
                "<script>alert(1)</script> | pipes", "high", "orders | lost", "a fix", "Ana Lima"))));
        GateReport gate = new GateReport("c".repeat(64), NOW, List.of(new Criterion("verification", Verdict.FAIL,
                "never verified")), Optional.empty());
        List<TimelineEvent> timeline = List.of(
                new TimelineEvent(1, NOW.minusSeconds(90), "phase", "ana", "{\"from\":\"STREAMING\",\"to\":\"CUTTING_OVER\"}",
                        "0", "a"),
                new TimelineEvent(2, NOW.minusSeconds(60), "trigger-near-miss", "daemon", "{\"trigger\":\"errors\"}",
                        "a", "b"));

        ReportDocument document = MigrationReport.build(plan, "plan.yaml", gate, Optional.empty(), timeline, NOW);
        String markdown = MarkdownWriter.write(document);
        String html = HtmlWriter.write(document);

        assertThat(markdown).contains("## Risk register").doesNotContain("<script>").contains("&lt;script&gt;")
                .contains("orders \\| lost").contains("| about 5 EUR |");
        assertThat(html).doesNotContain("<script>").contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .contains("<td class=\"verdict-fail\">FAIL</td>");
        assertThat(markdown).contains("## Postmortem draft").contains("near miss of errors");
    }

    private static Plan plan(RiskSpec risks) {
        QualifiedName table = new QualifiedName("public", "payments");
        return new Plan(null, "report_test", DB, Optional.of(DB), List.of(new TableSpec(table, table, List.of())),
                new ControlSpec(Optional.empty(), ControlSpec.DEFAULT_SCHEMA), new CopySettings(2, 1_000),
                Optional.empty(), RetrySettings.DEFAULTS, StreamSettings.DEFAULTS, CutoverSettings.DEFAULTS,
                List.of(new Owner("Ana Lima", "migration lead", null)), Optional.empty(), Optional.empty(), risks);
    }
}
