package dev.safeshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.safeshift.plan.Plan;
import dev.safeshift.postgres.change.ChangeRecord;
import dev.safeshift.postgres.rehearse.RehearsalRecord;
import dev.safeshift.postgres.review.Seconds;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.MigrationRecord;
import dev.safeshift.store.TimelineEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code status} of a plan that changes the source in place: the steps {@code run} has applied
 * (and one it was stopped in), and the latest rehearsal with its verdict, from the control store.
 */
final class ChangeStatus {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ChangeStatus() {
    }

    static ObjectNode read(Plan plan) {
        ObjectNode status = JSON.createObjectNode();
        status.put("plan", plan.name());
        status.put("kind", "change");
        if (!ChangeRecord.storeExists(plan)) {
            // nothing ran yet, and asking must not create the store (in the source database, for a change)
            status.put("recorded", false);
            return status;
        }
        try (ControlStore store = ControlStore.open(plan.controlEndpoint(), plan.control().schema())) {
            Optional<MigrationRecord> record = ChangeRecord.find(store, plan);
            status.put("recorded", record.isPresent());
            if (record.isEmpty()) {
                return status;
            }
            Map<String, ObjectNode> steps = new LinkedHashMap<>();
            for (TimelineEvent event : store.timeline(record.get().id())) {
                if (!event.kind().startsWith("change-step-")) {
                    continue;
                }
                JsonNode detail = parse(event.detail());
                ObjectNode step = steps.computeIfAbsent(detail.path("key").asText(), key -> JSON.createObjectNode());
                step.setAll((ObjectNode) detail);
                step.put("state", event.kind().equals("change-step-done") ? "done" : "started, not finished");
                step.put("at", event.at().toString());
            }
            ArrayNode applied = status.putArray("steps");
            steps.values().forEach(applied::add);
            RehearsalRecord.latest(store, record.get()).ifPresent(rehearsal -> status.set("rehearsal", rehearsal));
        }
        return status;
    }

    static String text(ObjectNode status) {
        StringBuilder out = new StringBuilder("Change ").append(status.path("plan").asText()).append('\n');
        if (!status.path("recorded").asBoolean()) {
            return out.append("Nothing recorded yet: no run or rehearsal of this change. safeshift check reviews it, "
                    + "safeshift rehearse predicts its duration, safeshift run applies it.\n").toString();
        }
        JsonNode steps = status.path("steps");
        if (steps.isEmpty()) {
            out.append("Applied: nothing yet\n");
        } else {
            out.append("Applied steps:\n");
            for (JsonNode step : steps) {
                out.append("  ").append(step.path("state").asText().equals("done") ? "done    " : "STOPPED ")
                        .append("statement ").append(step.path("statement").asInt()).append(" step ")
                        .append(step.path("step").asInt()).append(" of ").append(step.path("steps").asInt()).append(": ")
                        .append(step.path("purpose").asText());
                if (step.has("seconds")) {
                    out.append(" (").append(Seconds.format(step.path("seconds").asDouble())).append(')');
                }
                out.append(", ").append(step.path("at").asText()).append('\n');
            }
        }
        JsonNode rehearsal = status.path("rehearsal");
        if (rehearsal.isMissingNode()) {
            out.append("Rehearsal: none yet (safeshift rehearse)\n");
        } else {
            JsonNode total = rehearsal.path("total");
            out.append("Rehearsal: ").append(rehearsal.path("verdict").asText()).append(" at ")
                    .append(rehearsal.path("at").asText()).append(" on ").append(rehearsal.path("scratch").asText())
                    .append(": the whole change ").append(Seconds.format(total.path("seconds").asDouble()))
                    .append(" (up to ").append(Seconds.format(total.path("high_seconds").asDouble())).append(")\n");
            rehearsal.path("reasons").forEach(reason -> out.append("  - ").append(reason.asText()).append('\n'));
        }
        return out.toString();
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a timeline event of the change is not JSON", e);
        }
    }
}
