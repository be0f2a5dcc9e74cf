package dev.safeshift.gate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The go/no-go gate evaluated once.
 *
 * @param planSha256  the fingerprint of the plan it was evaluated for ({@link PlanFingerprint})
 * @param evaluatedAt when
 * @param criteria    every criterion, in a fixed order
 * @param policy      the organization's policy that was applied, as "name (file)", if any
 */
public record GateReport(String planSha256, Instant evaluatedAt, List<Criterion> criteria, java.util.Optional<String> policy) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public GateReport {
        Objects.requireNonNull(planSha256, "planSha256");
        Objects.requireNonNull(evaluatedAt, "evaluatedAt");
        criteria = List.copyOf(criteria);
        Objects.requireNonNull(policy, "policy");
    }

    /** GO: every criterion passes. A criterion that cannot be told (UNKNOWN) is not a pass. */
    public boolean passed() {
        return criteria.stream().allMatch(criterion -> criterion.verdict() == Verdict.PASS);
    }

    /** The criteria that did not pass, FAIL or UNKNOWN. */
    public List<Criterion> notPassed() {
        return criteria.stream().filter(criterion -> criterion.verdict() != Verdict.PASS).toList();
    }

    /** The report as JSON (snake_case), as the timeline keeps it with a sign-off or an override. */
    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("plan_sha256", planSha256);
        root.put("evaluated_at", evaluatedAt.toString());
        root.put("passed", passed());
        root.put("policy", policy.orElse(null));
        ArrayNode list = root.putArray("criteria");
        for (Criterion criterion : criteria) {
            list.addObject().put("name", criterion.name()).put("verdict", criterion.verdict().name())
                    .put("evidence", criterion.evidence());
        }
        return root;
    }
}
