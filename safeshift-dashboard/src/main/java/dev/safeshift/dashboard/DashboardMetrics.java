package dev.safeshift.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The dashboard's figures as Prometheus series ({@code safeshift_*}), read from the latest
 * snapshot when Prometheus scrapes, so the page and the series always say the same.
 */
final class DashboardMetrics {

    private static final List<String> WORDS = List.of(StatusWord.ON_TRACK, StatusWord.AT_RISK, StatusWord.ROLLING_BACK,
            StatusWord.DONE);

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final AtomicReference<ObjectNode> latest;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    DashboardMetrics(AtomicReference<ObjectNode> latest) {
        this.latest = latest;
        gauge("safeshift_status", "1 for the dashboard's current status word, 0 for the others", List.of("status"),
                (callback, snapshot) -> WORDS.forEach(word -> callback.call(
                        word.equals(snapshot.path("status").path("word").asText()) ? 1 : 0, word)));
        gauge("safeshift_rows_copied", "rows copied to the target by the backfill", List.of(),
                (callback, snapshot) -> number(snapshot.path("progress").path("rowsCopied"), callback));
        gauge("safeshift_rows_estimated", "rows the backfill expects to copy", List.of(),
                (callback, snapshot) -> number(snapshot.path("progress").path("estimatedRows"), callback));
        gauge("safeshift_stream_lag_seconds", "how far the target is behind the source", List.of(),
                (callback, snapshot) -> {
                    JsonNode millis = snapshot.path("lag").path("millis");
                    if (millis.isNumber()) {
                        callback.call(millis.asDouble() / 1000.0);
                    }
                });
        gauge("safeshift_verification_clean", "1 when the last verification found the databases equal", List.of(),
                (callback, snapshot) -> {
                    JsonNode verification = snapshot.path("verification");
                    if (!verification.isMissingNode()) {
                        callback.call(verification.path("clean").asBoolean() ? 1 : 0);
                    }
                });
        gauge("safeshift_verification_age_seconds", "age of the last verification", List.of(),
                (callback, snapshot) -> number(snapshot.path("verification").path("ageSeconds"), callback));
        gauge("safeshift_gate_passed", "1 when the go/no-go gate passes", List.of(),
                (callback, snapshot) -> {
                    JsonNode gate = snapshot.path("gate");
                    if (!gate.isMissingNode()) {
                        callback.call(gate.path("passed").asBoolean() ? 1 : 0);
                    }
                });
        gauge("safeshift_trigger_value", "each trigger's latest value, in its metric's unit", List.of("trigger"),
                (callback, snapshot) -> snapshot.path("triggers").forEach(trigger -> {
                    JsonNode series = trigger.path("series");
                    if (series.size() > 0) {
                        callback.call(series.get(series.size() - 1).get(1).asDouble(), trigger.path("name").asText());
                    }
                }));
        gauge("safeshift_trigger_threshold", "each trigger's threshold, in its metric's unit", List.of("trigger"),
                (callback, snapshot) -> snapshot.path("triggers").forEach(trigger -> {
                    if (trigger.path("threshold").isNumber()) {
                        callback.call(trigger.path("threshold").asDouble(), trigger.path("name").asText());
                    }
                }));
    }

    private interface Reading {
        void read(GaugeWithCallback.Callback callback, JsonNode snapshot);
    }

    private void gauge(String name, String help, List<String> labels, Reading reading) {
        GaugeWithCallback.builder().name(name).help(help).labelNames(labels.toArray(String[]::new))
                .callback(callback -> {
                    ObjectNode snapshot = latest.get();
                    if (snapshot != null) {
                        reading.read(callback, snapshot);
                    }
                })
                .register(registry);
    }

    private static void number(JsonNode value, GaugeWithCallback.Callback callback) {
        if (value.isNumber()) {
            callback.call(value.asDouble());
        }
    }

    String contentType() {
        return writer.getContentType();
    }

    String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
