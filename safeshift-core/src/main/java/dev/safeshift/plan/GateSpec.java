package dev.safeshift.plan;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The plan's {@code gate}: what must hold, besides the cutover's own preconditions, before a
 * cutover may start.
 *
 * @param signoffs the roles that must have signed this exact plan, each once
 * @param checks   queries of the team's own, each answering true or false
 */
public record GateSpec(List<String> signoffs, List<Check> checks) {

    public GateSpec {
        signoffs = List.copyOf(signoffs);
        checks = List.copyOf(checks);
        Set<String> roles = new HashSet<>();
        for (String role : signoffs) {
            if (!roles.add(normalRole(role))) {
                throw new IllegalArgumentException("the sign-off role '" + role + "' is listed twice");
            }
        }
        Set<String> names = new HashSet<>();
        for (Check check : checks) {
            if (!names.add(check.name())) {
                throw new IllegalArgumentException("gate check names are unique, and " + check.name() + " is used twice");
            }
        }
    }

    /** The required role {@code role} names, compared without case and surrounding blanks. */
    public Optional<String> requiredRole(String role) {
        return signoffs.stream().filter(required -> normalRole(required).equals(normalRole(role))).findFirst();
    }

    /** Roles are compared as people type them: without case and surrounding blanks. */
    public static String normalRole(String role) {
        return role.strip().toLowerCase(Locale.ROOT);
    }

    /**
     * A query of the team's own that must answer true, such as "no payment is pending".
     *
     * @param name     names it in the gate's report
     * @param database where it runs: {@code source} or {@code target}
     * @param sql      one statement returning one row with one boolean column
     */
    public record Check(String name, String database, String sql) {

        public Check {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(database, "database");
            Objects.requireNonNull(sql, "sql");
        }
    }
}
