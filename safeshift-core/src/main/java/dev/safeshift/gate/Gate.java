package dev.safeshift.gate;

import dev.safeshift.plan.CutoverSettings;
import dev.safeshift.plan.Durations;
import dev.safeshift.plan.GateSpec;
import dev.safeshift.plan.Plan;
import dev.safeshift.plan.Policy;
import dev.safeshift.store.StreamState;
import dev.safeshift.store.VerificationSummary;
import dev.safeshift.trigger.TriggerAction;
import dev.safeshift.trigger.TriggerSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The go/no-go gate of a cutover, judged by machine from what the control store holds.
 * <ol>
 *   <li>{@code verification}: the last verification is clean and within {@code cutover.verified-within};</li>
 *   <li>{@code stream-lag}: a running daemon reports the stream within {@code cutover.max-lag};</li>
 * </ol>
 * and, when the plan has a {@code gate} section:
 * <ol start="3">
 *   <li>{@code rollback-triggers}: at least one trigger rolls back, and each has an owner (a
 *       threshold and a deadline it cannot be written without);</li>
 *   <li>{@code signoff:<role>} for each required role: a sign-off of this exact plan;</li>
 *   <li>{@code check:<name>} for each check of the team's own ({@link GateChecks}).</li>
 * </ol>
 * and {@code policy:<rule>} for each rule of the organization's {@link Policy}, whatever the plan says.
 */
public final class Gate {

    /** A daemon reports the stream every few seconds; a report older than this says nothing about now. */
    static final Duration FRESH_REPORT = Duration.ofSeconds(30);

    private Gate() {
    }

    /**
     * What the gate is judged on besides the plan.
     *
     * @param lastVerification the migration's last verification, if any
     * @param stream           the forward stream's latest report, if the migration has one
     * @param daemonRunning    whether a daemon holds the migration now
     * @param signoffs         the sign-offs on the migration's timeline
     * @param checks           the results of the gate's own checks, in plan order
     * @param history          the latest verifications, newest first, for a policy's clean streak
     */
    public record Evidence(Optional<VerificationSummary> lastVerification, Optional<StreamState> stream,
                           boolean daemonRunning, List<Signoff> signoffs, List<Criterion> checks,
                           List<VerificationSummary> history) {

        public Evidence {
            signoffs = List.copyOf(signoffs);
            checks = List.copyOf(checks);
            history = List.copyOf(history);
        }
    }

    public static GateReport evaluate(Plan plan, String planSha256, Evidence evidence, Instant now) {
        return evaluate(plan, Optional.empty(), planSha256, evidence, now);
    }

    public static GateReport evaluate(Plan plan, Optional<Policy> policy, String planSha256, Evidence evidence,
                                      Instant now) {
        List<Criterion> criteria = new ArrayList<>();
        CutoverSettings cutover = plan.cutover();
        criteria.add(verification(cutover.verifiedWithin(), "cutover.verified-within, "
                + Durations.format(cutover.verifiedWithin()), evidence.lastVerification(), now));
        criteria.add(streamLag(cutover, evidence, now));
        if (plan.gate().isPresent()) {
            GateSpec gate = plan.gate().get();
            criteria.add(rollbackTriggers(cutover.triggers()));
            for (String role : gate.signoffs()) {
                criteria.add(signoff(role, planSha256, evidence.signoffs()));
            }
            criteria.addAll(evidence.checks());
        }
        policy.ifPresent(rules -> rules.rules().forEach(rule -> criteria.add(policyRule(rule, plan, planSha256,
                evidence, now))));
        return new GateReport(planSha256, now, criteria,
                policy.map(p -> p.name() + " (" + p.file().getFileName() + ")"));
    }

    private static Criterion policyRule(Policy.Rule rule, Plan plan, String planSha256, Evidence evidence, Instant now) {
        String name = "policy:" + rule.name();
        Criterion judged = switch (rule.kind()) {
            case SIGNOFFS -> {
                List<Criterion> roles = rule.roles().stream().map(role -> signoff(role, planSha256, evidence.signoffs()))
                        .toList();
                String said = roles.stream().map(c -> c.name().substring("signoff:".length()) + ": " + c.evidence())
                        .collect(Collectors.joining("; "));
                yield roles.stream().allMatch(c -> c.verdict() == Verdict.PASS) ? Criterion.pass(name, said)
                        : Criterion.fail(name, said);
            }
            case VERIFIED_WITHIN -> {
                Criterion within = verification(rule.duration().orElseThrow(), "the policy's " + rule.kind().field()
                        + ", " + Durations.format(rule.duration().orElseThrow()), evidence.lastVerification(), now);
                yield new Criterion(name, within.verdict(), within.evidence());
            }
            case CLEAN_VERIFICATION_FOR -> cleanStreak(name, rule.duration().orElseThrow(), evidence.history(), now);
            case ROLLBACK_TRIGGER -> {
                Criterion triggers = rollbackTriggers(plan.cutover().triggers());
                yield new Criterion(name, triggers.verdict(), triggers.evidence());
            }
        };
        return rule.why().map(why -> new Criterion(judged.name(), judged.verdict(), judged.evidence() + " [rule: " + why
                + "]")).orElse(judged);
    }

    /** Every verification clean, without a break, since at least {@code span} ago. */
    private static Criterion cleanStreak(String name, Duration span, List<VerificationSummary> newestFirst, Instant now) {
        String wanted = "clean verification for " + Durations.format(span);
        if (newestFirst.isEmpty()) {
            return Criterion.fail(name, "never verified; the policy wants " + wanted);
        }
        if (!newestFirst.get(0).clean()) {
            return Criterion.fail(name, "the last verification, at " + newestFirst.get(0).recordedAt()
                    + ", found differences; the policy wants " + wanted);
        }
        VerificationSummary first = newestFirst.get(0);
        int count = 0;
        for (VerificationSummary verification : newestFirst) {
            if (!verification.clean()) {
                break;
            }
            first = verification;
            count++;
        }
        Duration clean = Duration.between(first.recordedAt(), now);
        String streak = count + " clean verification(s) since " + first.recordedAt() + " (" + Durations.format(clean) + ")";
        return clean.compareTo(span) >= 0 ? Criterion.pass(name, streak)
                : Criterion.fail(name, "only " + streak + "; the policy wants " + wanted);
    }

    private static Criterion verification(Duration within, String limit, Optional<VerificationSummary> last,
                                          Instant now) {
        String name = "verification";
        if (last.isEmpty()) {
            return Criterion.fail(name, "never verified; run safeshift verify (a clean result within " + limit + ")");
        }
        VerificationSummary summary = last.get();
        String age = Durations.format(Duration.between(summary.recordedAt(), now));
        if (!summary.clean()) {
            return Criterion.fail(name, "the last verification, " + age + " ago, found differences ("
                    + summary.missingInTarget() + " missing, " + summary.extraInTarget() + " extra, " + summary.differing()
                    + " differing, " + summary.unsettled() + " unsettled rows)");
        }
        if (Duration.between(summary.recordedAt(), now).compareTo(within) > 0) {
            return Criterion.fail(name, "the last verification was clean but is " + age + " old, older than " + limit
                    + "; verify again");
        }
        String scope = summary.scope().isFull() ? "full"
                : "a " + summary.scope().samplePercent().orElse(0) + "% sample";
        return Criterion.pass(name, "clean, " + age + " ago (" + scope + "; within " + limit + ")");
    }

    private static Criterion streamLag(CutoverSettings cutover, Evidence evidence, Instant now) {
        String name = "stream-lag";
        String limit = "cutover.max-lag, " + Durations.format(cutover.maxLag());
        if (!evidence.daemonRunning()) {
            return Criterion.fail(name, "no daemon is running the migration, so nothing streams and no cutover can "
                    + "start; start it with safeshift run");
        }
        Optional<StreamState> stream = evidence.stream().filter(StreamState::started);
        Optional<Instant> reported = stream.flatMap(StreamState::reportedAt);
        Optional<Long> lag = stream.flatMap(StreamState::lagMillis);
        if (reported.isEmpty() || lag.isEmpty()) {
            return Criterion.unknown(name, "the stream has not reported its lag yet (the backfill may still run)");
        }
        Duration age = Duration.between(reported.get(), now);
        if (age.compareTo(FRESH_REPORT) > 0) {
            return Criterion.unknown(name, "the stream's last report is " + Durations.format(age) + " old");
        }
        if (lag.get() >= cutover.maxLag().toMillis()) {
            return Criterion.fail(name, lag.get() + " ms behind the source, not below " + limit);
        }
        return Criterion.pass(name, lag.get() + " ms behind the source (below " + limit + ")");
    }

    private static Criterion rollbackTriggers(List<TriggerSpec> triggers) {
        String name = "rollback-triggers";
        List<TriggerSpec> rollbacks = triggers.stream().filter(t -> t.action() == TriggerAction.ROLLBACK).toList();
        if (rollbacks.isEmpty()) {
            return Criterion.fail(name, "no trigger rolls the cutover back: add one to cutover.triggers with "
                    + "action: rollback, a threshold, a deadline and an owner");
        }
        List<String> ownerless = rollbacks.stream().filter(t -> t.owner().isEmpty()).map(TriggerSpec::name).toList();
        if (!ownerless.isEmpty()) {
            return Criterion.fail(name, "no owner for " + String.join(", ", ownerless) + ": each rollback trigger "
                    + "names who answers for it (owner:)");
        }
        return Criterion.pass(name, rollbacks.stream().map(t -> t.name() + ": " + t.metric().label() + " "
                        + t.condition() + ", rolls back within " + t.deadline().map(Durations::format).orElse("?")
                        + ", owner " + t.owner().orElse("?"))
                .collect(Collectors.joining("; ")));
    }

    private static Criterion signoff(String role, String planSha256, List<Signoff> signoffs) {
        String name = "signoff:" + role;
        List<Signoff> ofRole = signoffs.stream()
                .filter(s -> GateSpec.normalRole(s.role()).equals(GateSpec.normalRole(role))).toList();
        List<Signoff> current = ofRole.stream().filter(s -> s.planSha256().equals(planSha256)).toList();
        if (!current.isEmpty()) {
            return Criterion.pass(name, current.stream().map(s -> s.name() + " signed at " + s.at()
                    + s.comment().map(c -> " (\"" + c + "\")").orElse("")).collect(Collectors.joining("; "))
                    + ", this plan (" + PlanFingerprint.shortForm(planSha256) + ")");
        }
        if (!ofRole.isEmpty()) {
            Signoff last = ofRole.get(ofRole.size() - 1);
            return Criterion.fail(name, last.name() + " signed at " + last.at() + " a version of the plan that has "
                    + "changed since (" + PlanFingerprint.shortForm(last.planSha256()) + ", now "
                    + PlanFingerprint.shortForm(planSha256) + "); the plan must be signed again");
        }
        return Criterion.fail(name, "no sign-off yet; safeshift signoff PLAN --name \"<full name>\" --role \"" + role
                + "\"");
    }
}
