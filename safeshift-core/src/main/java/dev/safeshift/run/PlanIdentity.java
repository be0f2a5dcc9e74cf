package dev.safeshift.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safeshift.SafeshiftException;
import dev.safeshift.plan.Plan;
import java.util.ArrayList;
import java.util.List;

/**
 * A migration's name identifies it in the control store; two plans that share a name and a store
 * must not both drive it. The plan a migration was registered with is compared with the plan at
 * hand: once the migration created anything, the target and the tables (with their columns) must be
 * the same; before that, a new plan simply replaces the registered one. The source is checked by
 * its server's identity when the capture is used, since the same server may be reached by another
 * URL.
 */
final class PlanIdentity {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PlanIdentity() {
    }

    /** Whether the plan at hand is the one the migration was registered with (target and tables). */
    static boolean same(String registeredJson, Plan plan) {
        return differences(registeredJson, plan).isEmpty();
    }

    static void requireSame(String registeredJson, Plan plan) {
        List<String> differences = differences(registeredJson, plan);
        if (!differences.isEmpty()) {
            throw new SafeshiftException(SafeshiftException.Kind.STATE, "the control store already has a migration named "
                    + plan.name() + " for another plan: " + String.join("; ", differences) + ". A migration's plan"
                    + " cannot change once it started. Give this plan another name, or give the old migration up"
                    + " with safeshift abort (run with the plan it was started with).");
        }
    }

    private static List<String> differences(String registeredJson, Plan plan) {
        JsonNode registered;
        JsonNode current;
        try {
            registered = JSON.readTree(registeredJson);
            current = JSON.readTree(PlanSummary.json(plan));
        } catch (java.io.IOException e) {
            throw new SafeshiftException(SafeshiftException.Kind.STATE, "the control store holds an unreadable plan"
                    + " for migration " + plan.name() + ": " + e.getMessage(), e);
        }
        List<String> differences = new ArrayList<>();
        if (!registered.path("target").equals(current.path("target"))) {
            differences.add("its target is " + registered.path("target").asText() + ", this plan's is "
                    + current.path("target").asText());
        }
        // what a fresh start does with rows already in the target does not change what is moved
        for (JsonNode tables : List.of(registered.path("tables"), current.path("tables"))) {
            tables.forEach(table -> {
                if (table instanceof com.fasterxml.jackson.databind.node.ObjectNode object) {
                    object.remove("existingRows");
                }
            });
        }
        if (!registered.path("tables").equals(current.path("tables"))) {
            differences.add("it moves " + registered.path("tables") + ", this plan moves " + current.path("tables"));
        }
        return differences;
    }
}
