package dev.safeshift.plan;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An organization's policy ({@code safeshift-policy.yaml}): rules every plan must satisfy, kept
 * apart from the plans so that one team's plan cannot loosen them. A postmortem's process change
 * becomes a rule here. The go/no-go gate enforces each rule as a criterion named after it.
 *
 * @param file  where it was read from
 * @param name  the policy's name, as reports show it
 * @param rules its rules, each name once
 */
public record Policy(Path file, String name, List<Rule> rules) {

    public Policy {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(name, "name");
        rules = List.copyOf(rules);
        Set<String> names = new HashSet<>();
        for (Rule rule : rules) {
            if (!names.add(rule.name())) {
                throw new IllegalArgumentException("rule names are unique, and " + rule.name() + " is used twice");
            }
        }
    }

    /** The sign-off roles the policy requires, in rule order. */
    public List<String> signoffRoles() {
        return rules.stream().filter(rule -> rule.kind() == Kind.SIGNOFFS).flatMap(rule -> rule.roles().stream())
                .distinct().toList();
    }

    /** What a rule requires; each rule requires one thing. */
    public enum Kind {
        /** These roles have signed this exact plan. */
        SIGNOFFS("signoffs"),
        /** The last verification is clean and no older than the duration. */
        VERIFIED_WITHIN("verified-within"),
        /** Every verification for at least the duration has been clean, without a break. */
        CLEAN_VERIFICATION_FOR("clean-verification-for"),
        /** At least one rollback trigger, each with an owner. */
        ROLLBACK_TRIGGER("rollback-trigger");

        private final String field;

        Kind(String field) {
            this.field = field;
        }

        /** The rule's field in the policy file. */
        public String field() {
            return field;
        }
    }

    /**
     * One rule.
     *
     * @param name        names the rule in the gate's report, such as {@code finance-signs-payments}
     * @param why         where the rule comes from, such as a postmortem, if the policy says
     * @param kind        what it requires
     * @param roles       for {@link Kind#SIGNOFFS}, the roles
     * @param duration    for {@link Kind#VERIFIED_WITHIN} and {@link Kind#CLEAN_VERIFICATION_FOR}
     */
    public record Rule(String name, Optional<String> why, Kind kind, List<String> roles, Optional<Duration> duration) {

        public Rule {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(why, "why");
            Objects.requireNonNull(kind, "kind");
            roles = List.copyOf(roles);
            Objects.requireNonNull(duration, "duration");
        }
    }
}
