package dev.safeshift.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.safeshift.SafeshiftException;
import dev.safeshift.gate.Gate;
import dev.safeshift.gate.GateChecks;
import dev.safeshift.gate.GateReport;
import dev.safeshift.gate.PlanFingerprint;
import dev.safeshift.gate.Signoff;
import dev.safeshift.plan.GateSpec;
import dev.safeshift.plan.Plan;
import dev.safeshift.plan.Policy;
import dev.safeshift.report.MigrationReport;
import dev.safeshift.report.ReportDocument;
import dev.safeshift.run.PlanSummary;
import dev.safeshift.store.ChainCheck;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.DaemonLock;
import dev.safeshift.store.MigrationRecord;
import dev.safeshift.store.TimelineEvent;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The go/no-go decision of a migration: the gate evaluated from the control store, named
 * sign-offs bound to the plan's content, overrides with their reason, and the audit of the
 * hash-chained timeline they are kept on.
 */
public final class GoNoGo {

    /** The timeline event kind of a cutover started although the gate did not pass. */
    public static final String OVERRIDE_EVENT = "gate-overridden";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How many of the latest verifications a policy's clean streak is judged on. */
    static final int HISTORY = 1_000;

    private final Plan plan;
    private final Optional<Policy> policy;
    private final String actor;

    /**
     * @param policy the organization's policy ({@link dev.safeshift.plan.PolicyLoader#find}), if one applies
     * @param actor  who asks, as the timeline names them
     */
    public GoNoGo(Plan plan, Optional<Policy> policy, String actor) {
        this.plan = plan;
        this.policy = policy;
        this.actor = actor;
    }

    /** The gate now, for this exact plan. */
    public GateReport evaluate() {
        plan.moveTarget(); // the gate guards a cutover, which only a plan with a target has
        String sha256 = PlanFingerprint.sha256(plan);
        try (ControlStore store = ControlStore.open(plan.controlEndpoint(), plan.control().schema())) {
            Optional<MigrationRecord> migration = store.find(plan.name());
            Gate.Evidence evidence = new Gate.Evidence(
                    migration.flatMap(m -> store.lastVerification(m.id())),
                    migration.flatMap(m -> store.stream(m.id())),
                    DaemonLock.isHeld(plan.controlEndpoint(), plan.control().schema(), plan.name()),
                    migration.map(m -> Signoff.from(store.timeline(m.id()))).orElse(List.of()),
                    GateChecks.run(plan),
                    migration.map(m -> store.recentVerifications(m.id(), HISTORY)).orElse(List.of()));
            return Gate.evaluate(plan, policy, sha256, evidence, Instant.now());
        }
    }

    /**
     * Records {@code name}'s sign-off in {@code role} of this exact plan, with the gate as it stands
     * now as its evidence. The role must be one the plan's gate or the policy requires.
     */
    public Signed signoff(String name, String role, Optional<String> comment) {
        List<String> roles = new java.util.ArrayList<>(plan.gate().map(GateSpec::signoffs).orElse(List.of()));
        policy.ifPresent(p -> p.signoffRoles().stream()
                .filter(r -> roles.stream().noneMatch(known -> GateSpec.normalRole(known).equals(GateSpec.normalRole(r))))
                .forEach(roles::add));
        if (roles.isEmpty()) {
            throw new SafeshiftException(SafeshiftException.Kind.BAD_PLAN, "neither the plan's gate nor a policy "
                    + "requires a sign-off: list the roles under gate.signoffs (for example [engineering, finance]) first");
        }
        if (name == null || name.isBlank()) {
            throw new SafeshiftException(SafeshiftException.Kind.BAD_PLAN, "--name is the signer's full name, not blank");
        }
        String required = roles.stream().filter(r -> GateSpec.normalRole(r).equals(GateSpec.normalRole(role)))
                .findFirst().orElseThrow(() -> new SafeshiftException(SafeshiftException.Kind.BAD_PLAN, "'" + role
                        + "' is not a role the plan's gate or policy requires; the roles are: " + String.join(", ", roles)));
        GateReport now = evaluate();
        try (ControlStore store = ControlStore.open(plan.controlEndpoint(), plan.control().schema())) {
            MigrationRecord migration = store.register(plan.name(), PlanSummary.json(plan));
            TimelineEvent event = store.append(migration.id(), Signoff.EVENT, actor,
                    Signoff.detail(name.strip(), required, comment.map(String::strip).filter(c -> !c.isEmpty()), now));
            return new Signed(event.seq(), required, now);
        }
    }

    /** Keeps on the timeline that a cutover starts although {@code gate} did not pass, why, and who decided. */
    public void recordOverride(String reason, GateReport gate) {
        if (reason == null || reason.isBlank()) {
            throw new SafeshiftException(SafeshiftException.Kind.BAD_PLAN, "--override needs the reason, in words");
        }
        try (ControlStore store = ControlStore.open(plan.controlEndpoint(), plan.control().schema())) {
            MigrationRecord migration = store.require(plan.name());
            ObjectNode detail = JSON.createObjectNode();
            detail.put("reason", reason.strip());
            detail.set("gate", gate.toJson());
            store.append(migration.id(), OVERRIDE_EVENT, actor, detail.toString());
        }
    }

    /** The report of the migration ({@link MigrationReport}), with the gate evaluated now. */
    public ReportDocument report(String file) {
        GateReport gate = evaluate();
        try (ControlStore store = ControlStore.open(plan.controlEndpoint(), plan.control().schema())) {
            Optional<MigrationRecord> migration = store.find(plan.name());
            List<TimelineEvent> timeline = migration.map(m -> store.timeline(m.id())).orElse(List.of());
            return MigrationReport.build(plan, file, gate, migration, timeline, Instant.now());
        }
    }

    /** The timeline's hash chain re-computed, with the sign-offs and overrides it holds. */
    public Audit audit() {
        String sha256 = PlanFingerprint.sha256(plan);
        try (ControlStore store = ControlStore.open(plan.controlEndpoint(), plan.control().schema())) {
            MigrationRecord migration = store.require(plan.name());
            List<TimelineEvent> timeline = store.timeline(migration.id());
            return new Audit(store.verifyTimeline(migration.id()), timeline.size(), Signoff.from(timeline),
                    timeline.stream().filter(e -> OVERRIDE_EVENT.equals(e.kind())).toList(), sha256,
                    timeline.isEmpty() ? Optional.empty() : Optional.of(timeline.get(timeline.size() - 1)));
        }
    }

    /** A sign-off just recorded: its place on the timeline, the role it counts for, and the gate it saw. */
    public record Signed(long seq, String role, GateReport gate) {
    }

    /**
     * @param chain      the hash chain re-computed from the stored events
     * @param events     how many events the timeline holds
     * @param signoffs   every sign-off on it
     * @param overrides  every cutover started despite the gate
     * @param planSha256 the fingerprint of the plan at hand, to tell current sign-offs from outdated ones
     * @param last       the latest event, whose hash, kept outside the database, also catches a rewrite of
     *                   the whole chain
     */
    public record Audit(ChainCheck chain, long events, List<Signoff> signoffs, List<TimelineEvent> overrides,
                       String planSha256, Optional<TimelineEvent> last) {
    }
}
