package dev.safeshift.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.safeshift.store.TimelineEvent;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A named person's sign-off of a plan, in a role the plan's gate requires. It is kept on the
 * migration's hash-chained timeline, bound to the plan's fingerprint and with the gate as it stood
 * at that moment; it counts only while the plan keeps that fingerprint.
 *
 * @param seq        its place on the timeline
 * @param at         when it was recorded (the control store's clock)
 * @param name       the person's full name, as given
 * @param role       the role, as the plan's gate writes it
 * @param comment    what they added, if anything
 * @param planSha256 the fingerprint of the plan they signed
 * @param recordedBy the operating-system user who ran the command
 */
public record Signoff(long seq, Instant at, String name, String role, Optional<String> comment, String planSha256,
                      String recordedBy) {

    /** The timeline event kind of a sign-off. */
    public static final String EVENT = "signoff";
    private static final ObjectMapper JSON = new ObjectMapper();

    public Signoff {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(comment, "comment");
        Objects.requireNonNull(planSha256, "planSha256");
    }

    /** The timeline detail of a new sign-off: who, in which role, of which plan, and the gate's evidence then. */
    public static String detail(String name, String role, Optional<String> comment, GateReport gateThen) {
        ObjectNode detail = JSON.createObjectNode();
        detail.put("name", name);
        detail.put("role", role);
        comment.ifPresent(text -> detail.put("comment", text));
        detail.put("plan_sha256", gateThen.planSha256());
        detail.set("gate", gateThen.toJson());
        return detail.toString();
    }

    /** Every sign-off on a timeline, oldest first. */
    public static List<Signoff> from(List<TimelineEvent> timeline) {
        List<Signoff> signoffs = new ArrayList<>();
        for (TimelineEvent event : timeline) {
            if (!EVENT.equals(event.kind())) {
                continue;
            }
            JsonNode detail;
            try {
                detail = JSON.readTree(event.detail());
            } catch (IOException e) {
                throw new IllegalStateException("sign-off " + event.seq() + " on the timeline is not JSON", e);
            }
            signoffs.add(new Signoff(event.seq(), event.at(), detail.path("name").asText(), detail.path("role").asText(),
                    detail.hasNonNull("comment") ? Optional.of(detail.get("comment").asText()) : Optional.empty(),
                    detail.path("plan_sha256").asText(), event.actor()));
        }
        return signoffs;
    }
}
