package dev.safeshift.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safeshift.plan.ControlSpec;
import dev.safeshift.plan.CopySettings;
import dev.safeshift.plan.CutoverSettings;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.GateSpec;
import dev.safeshift.plan.Plan;
import dev.safeshift.plan.Policy;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.plan.RetrySettings;
import dev.safeshift.plan.StreamSettings;
import dev.safeshift.plan.TableSpec;
import dev.safeshift.store.StreamState;
import dev.safeshift.store.VerificationSummary;
import dev.safeshift.trigger.Condition;
import dev.safeshift.trigger.Metric;
import dev.safeshift.trigger.OnInconclusive;
import dev.safeshift.trigger.ProviderKind;
import dev.safeshift.trigger.TriggerAction;
import dev.safeshift.trigger.TriggerSpec;
import dev.safeshift.verify.Scope;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GateTest {

    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
    private static final String SHA = "a".repeat(64);
    private static final Endpoint DB = new Endpoint("jdbc:postgresql://db/shop", "u", Optional.empty(), Optional.empty());

    @Test
    void withoutAGateSectionOnlyTheCutoversPreconditionsCount() {
        GateReport report = Gate.evaluate(plan(Optional.empty(), List.of()), SHA,
                evidence(Optional.of(verified(NOW.minusSeconds(60), true)), Optional.of(stream(120, NOW.minusSeconds(2))),
                        List.of()), NOW);

        assertThat(report.criteria()).extracting(Criterion::name).containsExactly("verification", "stream-lag");
        assertThat(report.passed()).isTrue();
    }

    @Test
    void aStreamThatHasNotReportedOrReportedLongAgoIsUnknownAndUnknownIsNotAPass() {
        Plan plan = plan(Optional.empty(), List.of());
        Optional<VerificationSummary> clean = Optional.of(verified(NOW.minusSeconds(60), true));

        GateReport silent = Gate.evaluate(plan, SHA, evidence(clean, Optional.empty(), List.of()), NOW);
        GateReport stale = Gate.evaluate(plan, SHA, evidence(clean, Optional.of(stream(10, NOW.minusSeconds(300))),
                List.of()), NOW);
        GateReport behind = Gate.evaluate(plan, SHA, evidence(clean, Optional.of(stream(9_000, NOW)), List.of()), NOW);

        assertThat(verdict(silent, "stream-lag")).isEqualTo(Verdict.UNKNOWN);
        assertThat(verdict(stale, "stream-lag")).isEqualTo(Verdict.UNKNOWN);
        assertThat(verdict(behind, "stream-lag")).isEqualTo(Verdict.FAIL);
        assertThat(silent.passed()).isFalse();
        assertThat(stale.notPassed()).extracting(Criterion::name).containsExactly("stream-lag");
    }

    @Test
    void aVerificationThatFoundDifferencesFailsHoweverRecent() {
        GateReport report = Gate.evaluate(plan(Optional.empty(), List.of()), SHA,
                evidence(Optional.of(verified(NOW.minusSeconds(5), false)), Optional.of(stream(1, NOW)), List.of()), NOW);

        assertThat(verdict(report, "verification")).isEqualTo(Verdict.FAIL);
        assertThat(report.criteria().get(0).evidence()).contains("found differences");
    }

    @Test
    void signoffsCountForTheirRoleWhateverTheCaseAndOnlyForThePlanTheySigned() {
        Plan plan = plan(Optional.of(new GateSpec(List.of("Engineering", "finance"), List.of())), List.of(rollback("Ana")));
        List<Signoff> signoffs = List.of(
                new Signoff(3, NOW.minusSeconds(30), "Grace Hopper", "engineering", Optional.empty(), SHA, "grace"),
                new Signoff(4, NOW.minusSeconds(20), "Ada Lovelace", "Finance", Optional.of("ok"), "b".repeat(64), "ada"));

        GateReport report = Gate.evaluate(plan, SHA, evidence(Optional.of(verified(NOW, true)),
                Optional.of(stream(1, NOW)), signoffs), NOW);

        assertThat(verdict(report, "signoff:Engineering")).isEqualTo(Verdict.PASS);
        assertThat(verdict(report, "signoff:finance")).isEqualTo(Verdict.FAIL);
        assertThat(report.criteria()).filteredOn(c -> c.name().equals("signoff:finance")).first()
                .extracting(Criterion::evidence).asString().contains("has changed since");
        assertThat(report.passed()).isFalse();
    }

    @Test
    void aGateWithoutARollbackTriggerOrWithAnOwnerlessOneFails() {
        GateSpec gate = new GateSpec(List.of(), List.of());
        Gate.Evidence fine = evidence(Optional.of(verified(NOW, true)), Optional.of(stream(1, NOW)), List.of());

        GateReport none = Gate.evaluate(plan(Optional.of(gate), List.of()), SHA, fine, NOW);
        GateReport ownerless = Gate.evaluate(plan(Optional.of(gate), List.of(rollback(null))), SHA, fine, NOW);
        GateReport owned = Gate.evaluate(plan(Optional.of(gate), List.of(rollback("Ana Lima"))), SHA, fine, NOW);

        assertThat(verdict(none, "rollback-triggers")).isEqualTo(Verdict.FAIL);
        assertThat(verdict(ownerless, "rollback-triggers")).isEqualTo(Verdict.FAIL);
        assertThat(verdict(owned, "rollback-triggers")).isEqualTo(Verdict.PASS);
        assertThat(owned.passed()).isTrue();
    }

    @Test
    void aPolicyAddsItsRulesAsCriteriaNamedAfterThemWhateverThePlanSays() {
        Policy policy = new Policy(Path.of("safeshift-policy.yaml"), "acme", List.of(
                new Policy.Rule("finance-signs", Optional.of("2026-03 postmortem"), Policy.Kind.SIGNOFFS,
                        List.of("finance"), Optional.empty()),
                new Policy.Rule("clean-day", Optional.empty(), Policy.Kind.CLEAN_VERIFICATION_FOR, List.of(),
                        Optional.of(Duration.ofHours(24))),
                new Policy.Rule("owned-rollback", Optional.empty(), Policy.Kind.ROLLBACK_TRIGGER, List.of(),
                        Optional.empty())));
        // hourly verifications: clean for the last 30 hours, one with differences 31 hours ago
        List<VerificationSummary> history = new java.util.ArrayList<>();
        for (int hour = 0; hour <= 30; hour++) {
            history.add(verified(NOW.minus(Duration.ofHours(hour)), true));
        }
        history.add(verified(NOW.minus(Duration.ofHours(31)), false));
        Gate.Evidence evidence = new Gate.Evidence(Optional.of(history.get(0)), Optional.of(stream(1, NOW)), true,
                List.of(new Signoff(3, NOW, "Ada Lovelace", "Finance", Optional.empty(), SHA, "ada")), List.of(), history);

        GateReport report = Gate.evaluate(plan(Optional.empty(), List.of(rollback(null))), Optional.of(policy), SHA,
                evidence, NOW);

        assertThat(report.criteria()).extracting(Criterion::name).containsExactly("verification", "stream-lag",
                "policy:finance-signs", "policy:clean-day", "policy:owned-rollback");
        assertThat(verdict(report, "policy:finance-signs")).isEqualTo(Verdict.PASS);
        assertThat(report.criteria().get(2).evidence()).endsWith("[rule: 2026-03 postmortem]");
        assertThat(verdict(report, "policy:clean-day")).isEqualTo(Verdict.PASS);
        assertThat(report.criteria().get(3).evidence()).startsWith("31 clean verification(s) since");
        assertThat(verdict(report, "policy:owned-rollback")).isEqualTo(Verdict.FAIL);
        assertThat(report.policy()).contains("acme (safeshift-policy.yaml)");

        List<VerificationSummary> broken = new java.util.ArrayList<>(history);
        broken.set(5, verified(NOW.minus(Duration.ofHours(5)), false));
        GateReport shortStreak = Gate.evaluate(plan(Optional.empty(), List.of()), Optional.of(policy), SHA,
                new Gate.Evidence(evidence.lastVerification(), evidence.stream(), true, List.of(), List.of(), broken), NOW);
        assertThat(verdict(shortStreak, "policy:clean-day")).isEqualTo(Verdict.FAIL);
        assertThat(verdict(shortStreak, "policy:finance-signs")).isEqualTo(Verdict.FAIL);
    }

    private static Verdict verdict(GateReport report, String name) {
        return report.criteria().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow().verdict();
    }

    private static Gate.Evidence evidence(Optional<VerificationSummary> verification, Optional<StreamState> stream,
                                          List<Signoff> signoffs) {
        return new Gate.Evidence(verification, stream, true, signoffs, List.of(), verification.stream().toList());
    }

    private static VerificationSummary verified(Instant at, boolean clean) {
        return new VerificationSummary(1, 1, at.minusSeconds(10), at, at, Scope.full(), clean, 100, 4, clean ? 0 : 1,
                0, 0, clean ? 0 : 1, 0);
    }

    private static StreamState stream(long lagMillis, Instant reportedAt) {
        return new StreamState("slot", "pub", Optional.of("0/10"), Optional.of("0/20"), Optional.of(10L),
                Optional.of(lagMillis), 5, Optional.of(reportedAt), Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static TriggerSpec rollback(String owner) {
        return new TriggerSpec("errors", Metric.ERROR_RATE, ProviderKind.ROUTER, Optional.empty(), Optional.empty(),
                Condition.parse("> 2%", Metric.ERROR_RATE), Duration.ofSeconds(10), Duration.ofMinutes(1), 50, 3,
                TriggerAction.ROLLBACK, Optional.ofNullable(owner), Optional.of(Duration.ofMinutes(2)),
                OnInconclusive.WAIT);
    }

    private static Plan plan(Optional<GateSpec> gate, List<TriggerSpec> triggers) {
        QualifiedName table = new QualifiedName("public", "payments");
        return new Plan(null, "gate_test", DB, Optional.of(DB), List.of(new TableSpec(table, table, List.of())),
                new ControlSpec(Optional.empty(), ControlSpec.DEFAULT_SCHEMA), new CopySettings(2, 1_000),
                Optional.empty(), RetrySettings.DEFAULTS, StreamSettings.DEFAULTS,
                CutoverSettings.DEFAULTS.withTriggers(triggers), List.of(), Optional.empty(), gate);
    }
}
