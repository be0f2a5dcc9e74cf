package dev.safeshift.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A trigger with {@code action: pause} that fired: the cutover window is held open where it is,
 * and {@code safeshift complete} is refused until a person decides, either to roll back or to
 * complete despite the hold, which the timeline records with their name and reason. Traffic is
 * not moved, and triggers with {@code action: rollback} keep watching.
 *
 * <p>The timeline is the record: a hold is an {@value #HELD} event after the last switch to the
 * target, not followed by an {@value #OVERRIDDEN} event. A rollback ends it, since the next cutover
 * starts a new window; a restarted daemon reads it back from the timeline.
 *
 * @param trigger the trigger that fired
 * @param owner   who answers for it, empty when the plan names nobody
 * @param reason  the evaluation that fired it, in words
 * @param at      when it fired
 */
public record CutoverHold(String trigger, String owner, String reason, Instant at) {

    public static final String HELD = "trigger-hold";
    public static final String OVERRIDDEN = "trigger-hold-overridden";
    private static final String SWITCHED_TO_TARGET = "cutover-switched";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The hold of the cutover window the migration is in now, if a pause trigger fired in it. */
    public static Optional<CutoverHold> current(ControlStore store, long migrationId) {
        return of(store.timeline(migrationId));
    }

    /** The hold that {@code timeline} (a migration's whole timeline, oldest first) leaves in force. */
    static Optional<CutoverHold> of(List<TimelineEvent> timeline) {
        CutoverHold hold = null;
        for (TimelineEvent event : timeline) {
            switch (event.kind()) {
                case SWITCHED_TO_TARGET, OVERRIDDEN -> hold = null;
                case HELD -> {
                    if (hold == null) {
                        JsonNode detail = parse(event.detail());
                        hold = new CutoverHold(detail.path("trigger").asText(), detail.path("owner").asText(),
                                detail.path("reason").asText(), event.at());
                    }
                }
                default -> {
                    // other events do not change the hold
                }
            }
        }
        return Optional.ofNullable(hold);
    }

    /**
     * Records that {@code trigger} (answered for by {@code owner}, empty for nobody) fired with
     * {@code reason} and holds the window, unless it is held already.
     */
    public static boolean hold(ControlStore store, long migrationId, String trigger, String owner, String reason,
                               String actor) {
        if (current(store, migrationId).isPresent()) {
            return false;
        }
        store.append(migrationId, HELD, actor, JSON.createObjectNode().put("trigger", trigger).put("owner", owner)
                .put("reason", reason).toString());
        return true;
    }

    /** Records that {@code person} ended the hold by completing despite it, and why. */
    public void override(ControlStore store, long migrationId, String person, String why) {
        store.append(migrationId, OVERRIDDEN, person, JSON.createObjectNode().put("trigger", trigger)
                .put("reason", why).toString());
    }

    /** The hold in a sentence, with what a person can do about it. */
    public String describe(String planFile) {
        return "trigger " + trigger + (owner.isEmpty() ? "" : " (owner " + owner + ")") + " holds the cutover window"
                + " open since " + at + ": " + reason + ". Decide: roll back with safeshift rollback " + planFile
                + ", or end the window anyway with safeshift complete " + planFile + " --despite-hold \"<why>\"";
    }

    private static JsonNode parse(String detail) {
        try {
            return JSON.readTree(detail);
        } catch (IOException e) {
            throw new UncheckedIOException("a timeline event's detail is not JSON: " + detail, e);
        }
    }
}
