package dev.safeshift.plan;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds and reads the organization's policy: the file given with {@code --policy}, else the one
 * named by {@code SAFESHIFT_POLICY}, else {@code safeshift-policy.yaml} next to the plan. A policy
 * that was named but cannot be read stops the command: a gate judged without it would pass plans
 * the organization refuses.
 */
public final class PolicyLoader {

    /** The file looked for next to the plan when no policy is named. */
    public static final String DEFAULT_FILE = "safeshift-policy.yaml";
    /** The environment variable that names the policy file. */
    public static final String VARIABLE = "SAFESHIFT_POLICY";

    private PolicyLoader() {
    }

    /** The policy that applies to {@code plan}, if any; {@code named} is the command line's {@code --policy}. */
    public static Optional<Policy> find(Plan plan, Optional<Path> named) {
        return find(plan, named, System.getenv());
    }

    static Optional<Policy> find(Plan plan, Optional<Path> named, Map<String, String> environment) {
        if (named.isPresent()) {
            return Optional.of(load(named.get()));
        }
        String variable = environment.get(VARIABLE);
        if (variable != null && !variable.isBlank()) {
            return Optional.of(load(Path.of(variable)));
        }
        if (plan.file() == null) {
            return Optional.empty();
        }
        Path beside = plan.file().toAbsolutePath().resolveSibling(DEFAULT_FILE);
        return Files.isRegularFile(beside) ? Optional.of(load(beside)) : Optional.empty();
    }

    public static Policy load(Path file) {
        if (PlanText.read(file).isBlank()) {
            throw PlanException.ofFile(file, "the policy file is empty: it needs policy (its name) and rules");
        }
        Checked root = new SchemaChecker(file).check(PlanLoader.compose(file), PolicySchema.root());
        List<Policy.Rule> rules = root.get("rules").items().stream().map(rule -> rule(file, rule)).toList();
        try {
            return new Policy(file, root.get("policy").text(), rules);
        } catch (IllegalArgumentException e) {
            throw PlanException.at(file, root.get("rules").mark(), "rules", e.getMessage(), null, null);
        }
    }

    private static Policy.Rule rule(Path file, Checked rule) {
        List<Policy.Kind> kinds = java.util.Arrays.stream(Policy.Kind.values())
                .filter(kind -> rule.find(kind.field()).filter(value -> !(value.value() instanceof List<?> list
                        && list.isEmpty())).isPresent()).toList();
        if (kinds.size() != 1) {
            throw PlanException.at(file, rule.mark(), rule.path(), "a rule requires exactly one thing: one of "
                    + String.join(", ", java.util.Arrays.stream(Policy.Kind.values()).map(Policy.Kind::field).toList())
                    + (kinds.isEmpty() ? "; this one has none" : "; this one has " + String.join(" and ",
                    kinds.stream().map(Policy.Kind::field).toList()) + ": split it into rules of their own"), null, null);
        }
        Policy.Kind kind = kinds.get(0);
        List<String> roles = kind == Policy.Kind.SIGNOFFS
                ? rule.get("signoffs").items().stream().map(Checked::text).toList() : List.of();
        Optional<java.time.Duration> duration = kind == Policy.Kind.VERIFIED_WITHIN
                || kind == Policy.Kind.CLEAN_VERIFICATION_FOR ? Optional.of(rule.get(kind.field()).duration())
                : Optional.empty();
        return new Policy.Rule(rule.get("name").text(), rule.find("why").map(Checked::text), kind, roles, duration);
    }
}
