package dev.safeshift.postgres.rehearse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safeshift.SafeshiftException;
import dev.safeshift.plan.Plan;
import dev.safeshift.postgres.change.ChangeRecord;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.MigrationRecord;
import dev.safeshift.store.TimelineEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Rehearsals in the control store: each one is an event on the change's timeline holding the whole
 * report as JSON, so that {@code status} shows the latest and the timeline keeps every one.
 */
public final class RehearsalRecord {

    static final String EVENT = "change-rehearsed";
    private static final ObjectMapper JSON = new ObjectMapper();

    private RehearsalRecord() {
    }

    public static void save(Plan plan, RehearsalReport report, String actor) {
        try (ControlStore store = ControlStore.open(plan.controlEndpoint(), plan.control().schema())) {
            MigrationRecord record = ChangeRecord.own(store, plan);
            store.append(record.id(), EVENT, actor, RehearsalJson.of(report).toString());
        }
    }

    /**
     * The statements of the latest rehearsal of {@code plan}'s change, as they were written; empty
     * when there is none, or no control store yet (none is created for asking), or the store
     * cannot be reached: the change then counts as not rehearsed, the cautious answer.
     */
    public static List<String> latestStatements(Plan plan) {
        try {
            if (!ChangeRecord.storeExists(plan)) {
                return List.of();
            }
        } catch (SafeshiftException e) {
            // no store to ask: the change counts as not rehearsed
            return List.of();
        }
        try (ControlStore store = ControlStore.open(plan.controlEndpoint(), plan.control().schema())) {
            Optional<MigrationRecord> record = store.find(plan.name());
            if (record.isEmpty()) {
                return List.of();
            }
            List<String> statements = new ArrayList<>();
            latest(store, record.get()).ifPresent(json -> json.path("statements").forEach(s -> statements.add(s.asText())));
            return statements;
        }
    }

    /** The latest rehearsal of the change, as the JSON {@link RehearsalJson} wrote. */
    public static Optional<JsonNode> latest(ControlStore store, MigrationRecord record) {
        List<TimelineEvent> timeline = store.timeline(record.id());
        for (int i = timeline.size() - 1; i >= 0; i--) {
            if (timeline.get(i).kind().equals(EVENT)) {
                try {
                    return Optional.of(JSON.readTree(timeline.get(i).detail()));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException("a rehearsal in the control store is not JSON", e);
                }
            }
        }
        return Optional.empty();
    }
}
