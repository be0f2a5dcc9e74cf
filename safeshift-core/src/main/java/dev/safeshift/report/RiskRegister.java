package dev.safeshift.report;

import dev.safeshift.gate.Criterion;
import dev.safeshift.gate.GateReport;
import dev.safeshift.plan.Durations;
import dev.safeshift.plan.Plan;
import dev.safeshift.plan.RiskSpec;
import dev.safeshift.trigger.TriggerAction;
import dev.safeshift.trigger.TriggerSpec;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The risk register: the plan's own entries, and the ones its numbers imply, each with what is at
 * risk in money when the plan gives {@code business.revenue-per-minute}: the cutover holds writes
 * for up to its write pause budget; a rollback trigger lets a breach run until its deadline; a
 * gate that does not pass is a risk to the date.
 */
public final class RiskRegister {

    private RiskRegister() {
    }

    /**
     * One line of the register.
     *
     * @param atRisk what is at risk in money, or why it cannot be said
     * @param source where the entry comes from: the plan's {@code risks}, or what Safeshift derived it from
     */
    public record Item(String failureMode, String likelihood, String impact, String atRisk, String mitigation,
                       String owner, String source) {
    }

    public static List<Item> of(Plan plan, Optional<GateReport> gate) {
        Optional<RiskSpec.Money> perMinute = plan.risks().revenuePerMinute();
        List<Item> items = new ArrayList<>();
        for (RiskSpec.Entry entry : plan.risks().entries()) {
            items.add(new Item(entry.failureMode(), entry.likelihood(), entry.impact(), "as stated", entry.mitigation(),
                    entry.owner(), "plan"));
        }
        if (plan.target().isPresent()) {
            Duration budget = plan.cutover().writePauseBudget();
            items.add(new Item("the cutover holds the application's writes to the moved tables", "certain",
                    "writes wait up to " + Durations.format(budget) + " (cutover.write-pause-budget), then the cutover "
                            + "gives up and the application goes on with the source", atRisk(perMinute, budget),
                    "the budget bounds the wait; a cutover that cannot finish within it undoes itself",
                    plan.owners().isEmpty() ? "—" : plan.owners().get(0).name(), "cutover.write-pause-budget"));
            for (TriggerSpec trigger : plan.cutover().triggers()) {
                if (trigger.action() != TriggerAction.ROLLBACK) {
                    continue;
                }
                Duration exposure = trigger.interval().multipliedBy(trigger.consecutive())
                        .plus(trigger.deadline().orElse(Duration.ZERO));
                items.add(new Item(trigger.metric().label() + " " + trigger.condition() + " on the target after the "
                        + "switch", "unknown until the cutover", "the breach lasts up to " + Durations.format(exposure)
                        + " (" + trigger.consecutive() + " evaluations every " + Durations.format(trigger.interval())
                        + ", then the rollback within " + trigger.deadline().map(Durations::format).orElse("?") + ")",
                        atRisk(perMinute, exposure), "trigger " + trigger.name() + " rolls the application back",
                        trigger.owner().orElse("no owner"), "cutover.triggers." + trigger.name()));
            }
        }
        gate.filter(report -> !report.passed()).ifPresent(report -> items.add(new Item("the go/no-go gate does not "
                + "pass (" + report.notPassed().stream().map(Criterion::name).collect(Collectors.joining(", ")) + ")",
                "high", "the cutover cannot start as planned", "not in money: the date slips",
                "safeshift gate lists what each criterion needs", "the migration's owners", "gate")));
        return items;
    }

    /** What {@code duration} of lost writes costs, "about 2,400 USD"; or why it cannot be said. */
    static String atRisk(Optional<RiskSpec.Money> perMinute, Duration duration) {
        if (perMinute.isEmpty()) {
            return "not stated (no business.revenue-per-minute)";
        }
        BigDecimal minutes = BigDecimal.valueOf(duration.toMillis()).divide(BigDecimal.valueOf(60_000), 6,
                RoundingMode.HALF_UP);
        BigDecimal amount = perMinute.get().amount().multiply(minutes).setScale(0, RoundingMode.HALF_UP);
        return "about " + String.format(Locale.US, "%,d", amount.longValueExact()) + " " + perMinute.get().currency();
    }
}
