package dev.safeshift.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safeshift.plan.ChangeScript;
import dev.safeshift.plan.ChangeSpec;
import dev.safeshift.plan.ControlSpec;
import dev.safeshift.plan.CopySettings;
import dev.safeshift.plan.CutoverSettings;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.Owner;
import dev.safeshift.plan.Plan;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.plan.RetrySettings;
import dev.safeshift.plan.StreamSettings;
import dev.safeshift.plan.TableSpec;
import dev.safeshift.plan.VerifySchedule;
import dev.safeshift.trigger.Condition;
import dev.safeshift.trigger.Metric;
import dev.safeshift.trigger.OnInconclusive;
import dev.safeshift.trigger.ProviderKind;
import dev.safeshift.trigger.TriggerAction;
import dev.safeshift.trigger.TriggerSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/**
 * Each rule of the plan review, on a plan that breaks only that rule, next to a plan that breaks
 * none: removing a rule fails its test.
 */
class PlanReviewTest {

    /** Plans built here have no file. */
    private static final Path PLAN_FILE = null;
    private static final Endpoint SOURCE = Endpoint.of("jdbc:postgresql://old-db:5432/shop", "migrator");
    private static final Endpoint TARGET = Endpoint.of("jdbc:postgresql://new-db:5432/shop", "migrator");
    private static final QualifiedName PAYMENTS = new QualifiedName("public", "payments");
    private static final QualifiedName REFUNDS = new QualifiedName("public", "refunds");
    private static final Owner ANA = new Owner("Ana Lima", "migration lead", "ana.lima@example.com");
    private static final TriggerSpec ERRORS = trigger("payment_errors", TriggerAction.ROLLBACK, Optional.of("Ana Lima"));
    private static final ChangeSpec CHANGE = new ChangeSpec(List.of(ChangeScript.inline("plan.yaml line 12",
            "ALTER TABLE payments ADD COLUMN note text", 12)));
    private static final TableSize SMALL = new TableSize(1_000, 1L << 20);

    private static TriggerSpec trigger(String name, TriggerAction action, Optional<String> owner) {
        return new TriggerSpec(name, Metric.ERROR_RATE, ProviderKind.ROUTER, Optional.empty(),
                Condition.parse("> 2%", Metric.ERROR_RATE), TriggerSpec.DEFAULT_INTERVAL, TriggerSpec.DEFAULT_WINDOW, 50,
                3, action, owner, action == TriggerAction.ROLLBACK ? Optional.of(Duration.ofMinutes(2)) : Optional.empty(),
                OnInconclusive.WAIT);
    }

    /** A move that breaks no rule: a rollback trigger with an owner, owners, a schedule. */
    private static Plan move(List<TriggerSpec> triggers, List<Owner> owners, Optional<VerifySchedule> verify,
                             Optional<ChangeSpec> change) {
        return new Plan(PLAN_FILE, "payments_move", SOURCE, Optional.of(TARGET),
                List.of(new TableSpec(PAYMENTS, PAYMENTS, List.of()), new TableSpec(REFUNDS, REFUNDS, List.of())),
                new ControlSpec(Optional.empty(), ControlSpec.DEFAULT_SCHEMA), CopySettings.DEFAULTS, verify,
                RetrySettings.DEFAULTS, StreamSettings.DEFAULTS,
                CutoverSettings.DEFAULTS.withTriggers(triggers), owners, change);
    }

    private static Plan goodMove() {
        return move(List.of(ERRORS), List.of(ANA), hourly(), Optional.empty());
    }

    private static Plan changeOnly(List<Owner> owners) {
        return new Plan(PLAN_FILE, "payments_check", SOURCE, Optional.empty(),
                List.of(new TableSpec(PAYMENTS, PAYMENTS, List.of()), new TableSpec(REFUNDS, REFUNDS, List.of())),
                new ControlSpec(Optional.empty(), ControlSpec.DEFAULT_SCHEMA), CopySettings.DEFAULTS, Optional.empty(),
                RetrySettings.DEFAULTS, StreamSettings.DEFAULTS, CutoverSettings.DEFAULTS, owners, Optional.of(CHANGE));
    }

    private static Optional<VerifySchedule> hourly() {
        return Optional.of(new VerifySchedule(Duration.ofHours(1), OptionalDouble.of(5)));
    }

    private static List<Finding> review(Plan plan) {
        return PlanReview.review(plan, Map.of(), false);
    }

    private static List<String> rules(List<Finding> findings) {
        return findings.stream().map(Finding::rule).toList();
    }

    @Test
    void aCarefulMoveHasNoFindings() {
        assertThat(review(goodMove())).isEmpty();
    }

    @Test
    void aCarefulChangeOnlyPlanHasNoFindings() {
        assertThat(PlanReview.review(changeOnly(List.of(ANA)), Map.of(PAYMENTS, SMALL), false)).isEmpty();
    }

    @Test
    void aMoveWithoutTriggersHasNothingThatRollsBack() {
        List<Finding> findings = review(move(List.of(), List.of(ANA), hourly(), Optional.empty()));

        assertThat(findings).containsExactly(Finding.of(PlanReview.NO_ROLLBACK_TRIGGER, Severity.MEDIUM,
                "cutover.triggers", "the cutover has no triggers: nothing watches the target after the switch, so "
                        + "when the application fails on the target, traffic goes back to the source only when a "
                        + "person notices and runs safeshift rollback.", "Add a trigger with action: rollback, a "
                        + "number in its condition and a deadline, such as error_rate above 2% for 3 evaluations in a "
                        + "row, rolled back within 2m (see docs/triggers.md)."));
    }

    @Test
    void triggersThatOnlyAlertOrPauseDoNotRollBack() {
        List<Finding> findings = review(move(List.of(trigger("slow", TriggerAction.ALERT, Optional.of("Ana Lima")),
                trigger("stopped", TriggerAction.PAUSE, Optional.of("Ana Lima"))), List.of(ANA), hourly(), Optional.empty()));

        assertThat(rules(findings)).containsExactly(PlanReview.NO_ROLLBACK_TRIGGER);
        assertThat(findings.get(0).message()).startsWith("none of the cutover's triggers rolls back (slow: alert, "
                + "stopped: pause), so when the application fails on the target");
    }

    @Test
    void aPlanWithoutOwnersIsAccountableToNobody() {
        assertThat(rules(review(move(List.of(ERRORS), List.of(), hourly(), Optional.empty()))))
                .containsExactly(PlanReview.NO_OWNERS);
        List<Finding> changeOnly = review(changeOnly(List.of()));

        assertThat(rules(changeOnly)).as("whatever the plan does").containsExactly(PlanReview.NO_OWNERS);
        assertThat(changeOnly.get(0).severity()).isEqualTo(Severity.MEDIUM);
        assertThat(changeOnly.get(0).subject()).isEqualTo("owners");
    }

    @Test
    void aTriggerWithoutAnOwnerIsNamedWithItsPlaceInThePlan() {
        List<Finding> findings = review(move(List.of(ERRORS, trigger("slow", TriggerAction.ALERT, Optional.empty())),
                List.of(ANA), hourly(), Optional.empty()));

        assertThat(findings).containsExactly(Finding.of(PlanReview.TRIGGER_WITHOUT_OWNER, Severity.LOW,
                "cutover.triggers[1] (slow)", "trigger slow has no owner, so when it fires nobody is named to answer "
                        + "for its threshold or to look into what it saw.",
                "Add owner: with one of the plan's owners, such as Ana Lima."));
    }

    @Test
    void aPauseTriggerWithoutAnOwnerMattersMoreSinceItWaitsForAPerson() {
        List<Finding> findings = review(move(List.of(ERRORS, trigger("stopped", TriggerAction.PAUSE, Optional.empty())),
                List.of(ANA), hourly(), Optional.empty()));

        assertThat(rules(findings)).containsExactly(PlanReview.TRIGGER_WITHOUT_OWNER);
        assertThat(findings.get(0).severity()).isEqualTo(Severity.MEDIUM);
        assertThat(findings.get(0).message()).contains("or to decide, while the window it holds stays open");
    }

    @Test
    void aMoveWithoutAVerificationScheduleFindsDifferencesLate() {
        List<Finding> findings = review(move(List.of(ERRORS), List.of(ANA), Optional.empty(), Optional.empty()));

        assertThat(rules(findings)).containsExactly(PlanReview.NO_VERIFY_SCHEDULE);
        assertThat(findings.get(0).severity()).isEqualTo(Severity.LOW);
        assertThat(findings.get(0).subject()).isEqualTo("verify");
        assertThat(findings.get(0).advice()).hasValueSatisfying(a -> assertThat(a).contains("every: 1h"));
    }

    @Test
    void aChangeOnlyPlanIsNotAskedForWhatOnlyAMoveUses() {
        assertThat(review(changeOnly(List.of(ANA)))).as("no triggers, no schedule: nothing is moved").isEmpty();
    }

    @Test
    void aLargeTableChangedWithoutARehearsalIsFoundByBytesOrByRows() {
        Map<QualifiedName, TableSize> sizes = Map.of(
                REFUNDS, new TableSize(12_000_000, 800L << 20),
                PAYMENTS, new TableSize(2_500_000, PlanReview.LARGE_TABLE_BYTES * 3 / 2));

        List<Finding> findings = PlanReview.review(changeOnly(List.of(ANA)), sizes, false);

        assertThat(findings).containsExactly(
                Finding.of(PlanReview.LARGE_TABLE_NOT_REHEARSED, Severity.MEDIUM, "public.payments", "public.payments "
                        + "holds 1.5 GB in about 2,500,000 rows, and the change has not been rehearsed: how long its "
                        + "statements hold their locks or rewrite the table at this size is not known.", ADVICE),
                Finding.of(PlanReview.LARGE_TABLE_NOT_REHEARSED, Severity.MEDIUM, "public.refunds", "public.refunds "
                        + "holds 800 MB in about 12,000,000 rows, and the change has not been rehearsed: how long its "
                        + "statements hold their locks or rewrite the table at this size is not known.", ADVICE));
    }

    private static final String ADVICE = "Run safeshift rehearse on the plan: it times each statement on samples of "
            + "the table and predicts its duration at this size, GO or NO-GO against the plan's limits.";

    @Test
    void theThresholdIsOneGibibyteOrTenMillionRows() {
        Map<QualifiedName, TableSize> justBelow = Map.of(PAYMENTS, new TableSize(PlanReview.LARGE_TABLE_ROWS - 1,
                PlanReview.LARGE_TABLE_BYTES - 1));
        Map<QualifiedName, TableSize> atBytes = Map.of(PAYMENTS, new TableSize(0, PlanReview.LARGE_TABLE_BYTES));
        Map<QualifiedName, TableSize> atRows = Map.of(PAYMENTS, new TableSize(PlanReview.LARGE_TABLE_ROWS, 0));

        assertThat(PlanReview.review(changeOnly(List.of(ANA)), justBelow, false)).isEmpty();
        assertThat(rules(PlanReview.review(changeOnly(List.of(ANA)), atBytes, false)))
                .containsExactly(PlanReview.LARGE_TABLE_NOT_REHEARSED);
        assertThat(rules(PlanReview.review(changeOnly(List.of(ANA)), atRows, false)))
                .containsExactly(PlanReview.LARGE_TABLE_NOT_REHEARSED);
        assertThat(PlanReview.LARGE_TABLE_BYTES).isEqualTo(1024L * 1024 * 1024);
        assertThat(PlanReview.LARGE_TABLE_ROWS).isEqualTo(10_000_000L);
    }

    @Test
    void aRehearsedChangeOrAMoveWithoutAChangeNeedsNoRehearsalFinding() {
        Map<QualifiedName, TableSize> large = Map.of(PAYMENTS, new TableSize(50_000_000, 20L << 30));

        assertThat(PlanReview.review(changeOnly(List.of(ANA)), large, true)).isEmpty();
        assertThat(PlanReview.review(goodMove(), large, false)).as("a move copies; it changes nothing in place").isEmpty();
        assertThat(rules(PlanReview.review(move(List.of(ERRORS), List.of(ANA), hourly(), Optional.of(CHANGE)), large,
                false))).containsExactly(PlanReview.LARGE_TABLE_NOT_REHEARSED);
    }

    @Test
    void findingsComePlanWideFirstThenByTable() {
        Plan careless = move(List.of(trigger("slow", TriggerAction.ALERT, Optional.empty())), List.of(), Optional.empty(),
                Optional.of(CHANGE));

        List<Finding> findings = PlanReview.review(careless, Map.of(REFUNDS, new TableSize(0, 2L << 30),
                PAYMENTS, new TableSize(0, 2L << 30)), false);

        assertThat(rules(findings)).containsExactly(PlanReview.NO_ROLLBACK_TRIGGER, PlanReview.NO_OWNERS,
                PlanReview.TRIGGER_WITHOUT_OWNER, PlanReview.NO_VERIFY_SCHEDULE, PlanReview.LARGE_TABLE_NOT_REHEARSED,
                PlanReview.LARGE_TABLE_NOT_REHEARSED);
        assertThat(findings.get(2).advice()).contains("Add owner: with the person who answers for it.");
        assertThat(findings).extracting(Finding::subject).endsWith("public.payments", "public.refunds");
    }

    @Test
    void docsCheckListsEveryRuleWithItsSeverity() throws IOException {
        Path page = null;
        for (Path dir = Path.of("").toAbsolutePath(); dir != null && page == null; dir = dir.getParent()) {
            page = Files.isRegularFile(dir.resolve("docs/check.md")) ? dir.resolve("docs/check.md") : null;
        }
        String text = Files.readString(page);

        assertThat(text).contains("## Plan review rules",
                "| `" + PlanReview.NO_ROLLBACK_TRIGGER + "` | medium |",
                "| `" + PlanReview.NO_OWNERS + "` | medium |",
                "| `" + PlanReview.TRIGGER_WITHOUT_OWNER + "` | low; medium for `action: pause` |",
                "| `" + PlanReview.NO_VERIFY_SCHEDULE + "` | low |",
                "| `" + PlanReview.LARGE_TABLE_NOT_REHEARSED + "` | medium |");
    }
}
