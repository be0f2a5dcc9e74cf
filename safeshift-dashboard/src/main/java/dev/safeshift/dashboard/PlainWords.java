package dev.safeshift.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safeshift.store.TimelineEvent;
import java.io.IOException;
import java.util.Locale;

/** A timeline event as a sentence for people who do not read JSON. */
final class PlainWords {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PlainWords() {
    }

    static String of(TimelineEvent event) {
        JsonNode detail;
        try {
            detail = JSON.readTree(event.detail());
        } catch (IOException e) {
            detail = JSON.createObjectNode();
        }
        return switch (event.kind()) {
            case "phase" -> "Moved from " + words(detail.path("from").asText()) + " to " + words(detail.path("to").asText())
                    + (detail.path("detail").asText("").isEmpty() ? "" : ": " + detail.path("detail").asText()) + ".";
            case "daemon-started" -> "The migration process started.";
            case "daemon-stopped" -> "The migration process stopped.";
            case "daemon-failed" -> "The migration process failed: " + detail.path("error").asText(
                    detail.path("message").asText("see the log")) + ".";
            case "verification" -> detail.path("clean").asBoolean()
                    ? "A check found the new database equal to the old one."
                    : "A check found differences between the databases.";
            case "verification-failed" -> "A check could not finish.";
            case "signoff" -> detail.path("name").asText() + " signed off as " + detail.path("role").asText() + ".";
            case "gate-overridden" -> event.actor() + " went ahead although the go/no-go checklist did not pass: "
                    + detail.path("reason").asText() + ".";
            case "trigger-fired" -> "Alarm " + detail.path("trigger").asText() + " went off.";
            case "trigger-near-miss" -> "Alarm " + detail.path("trigger").asText() + " came close to going off.";
            case "completed" -> "The move was completed.";
            case "route" -> "The application's traffic was directed: " + detail.path("route").asText(
                    detail.toString()).toLowerCase(Locale.ROOT) + ".";
            default -> capitalized(event.kind().replace('-', ' ')) + ".";
        };
    }

    /** The phase a phase event moved to, empty when it is not one. */
    static String to(TimelineEvent event) {
        try {
            return JSON.readTree(event.detail()).path("to").asText("");
        } catch (IOException e) {
            return "";
        }
    }

    static String words(String phase) {
        return switch (phase) {
            case "PLANNED" -> "planned";
            case "BACKFILL" -> "copying rows";
            case "STREAMING" -> "copying changes";
            case "CUTTING_OVER" -> "switching";
            case "CUT_OVER" -> "running on the new database";
            case "ROLLING_BACK" -> "moving back";
            case "COMPLETED" -> "complete";
            case "STOPPED" -> "stopped";
            default -> phase.toLowerCase(Locale.ROOT).replace('_', ' ');
        };
    }

    private static String capitalized(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
