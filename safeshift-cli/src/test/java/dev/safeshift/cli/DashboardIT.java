package dev.safeshift.cli;

import static dev.safeshift.cli.Databases.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safeshift.dashboard.DashboardServer;
import dev.safeshift.engine.Engines;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.Plan;
import dev.safeshift.plan.PlanLoader;
import dev.safeshift.store.ControlStore;
import dev.safeshift.testing.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard of a streaming migration over HTTP: the page, the state in plain words, live
 * updates by Server-Sent Events, Prometheus series, and sign-off and cutover refused without the
 * token and done with it.
 */
class DashboardIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path directory;

    @Test
    void showsTheMigrationLiveAndActsOnlyWithTheToken() throws Exception {
        Endpoint source = EmbeddedPostgres.newDatabase("dash_source");
        Endpoint target = EmbeddedPostgres.newDatabase("dash_target");
        sql(source, "CREATE TABLE payments (id bigint PRIMARY KEY, amount int NOT NULL)",
                "INSERT INTO payments SELECT g, g FROM generate_series(1, 300) g");
        Path file = Files.writeString(directory.resolve("plan.yaml"), "name: dash_case\n"
                + "source:\n  url: " + source.url() + "\n  user: postgres\n"
                + "target:\n  url: " + target.url() + "\n  user: postgres\n"
                + "tables:\n  - source: public.payments\n"
                + "cutover:\n  triggers:\n"
                + "    - name: payment_errors\n      metric: error_rate\n      provider: router\n"
                + "      condition: '> 2%'\n      action: rollback\n      owner: Ana Lima\n      deadline: 2m\n"
                + "gate:\n  signoffs: [engineering]\n"
                + "business:\n  revenue-per-minute: 600 EUR\n");
        Plan plan = PlanLoader.load(file);

        try (ControlStore store = ControlStore.open(target, "safeshift");
             DaemonThread daemon = DaemonThread.start(plan, store, Engines.forEndpoints(source, target));
             DashboardServer dashboard = DashboardServer.start(plan, Optional.empty(), "127.0.0.1", 0)) {
            assertThat(daemon.awaitStreaming(store, "dash_case")).isNull();
            String base = dashboard.url();

            assertThat(get(base).body()).contains("<title>Safeshift dashboard</title>");
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                JsonNode state = JSON.readTree(get(base + "api/state").body());
                assertThat(state.path("status").path("word").asText()).isEqualTo("ON TRACK");
                assertThat(state.path("phase").asText()).isEqualTo("STREAMING");
            });
            JsonNode state = JSON.readTree(get(base + "api/state").body());
            // never verified yet: the gate says NO-GO, which is no risk while streaming
            assertThat(state.path("status").path("reason").asText())
                    .isEqualTo("Every change is being copied to the new database as it happens.");
            assertThat(state.path("triggers").get(0).path("sentence").asText())
                    .isEqualTo("Error rate no reading yet \u2014 rolls back above 2%");
            assertThat(state.path("progress").path("rowsCopied").asLong()).isEqualTo(300);
            assertThat(state.path("gate").path("passed").asBoolean()).isFalse();
            assertThat(state.path("risks").toString()).contains("about 50 EUR");
            assertThat(state.path("events").toString()).contains("Moved from copying rows to copying changes");

            List<String> events = sse(base + "events", 2);
            assertThat(events).hasSize(2);
            assertThat(JSON.readTree(events.get(1)).path("generatedAt").asText())
                    .as("a live update, not the same state twice").isNotEqualTo(JSON.readTree(events.get(0))
                            .path("generatedAt").asText());

            String metrics = get(base + "metrics").body();
            assertThat(metrics).contains("safeshift_rows_copied 300").contains("safeshift_gate_passed 0")
                    .contains("safeshift_status{status=\"ON TRACK\"} 1").contains("safeshift_status{status=\"AT RISK\"} 0");

            String signoff = "{\"name\":\"Grace Hopper\",\"role\":\"engineering\"}";
            assertThat(post(base + "api/signoff", signoff, null).statusCode()).isEqualTo(403);
            assertThat(post(base + "api/signoff", signoff, "not-the-token").statusCode()).isEqualTo(403);
            assertThat(post(base + "api/cutover", "{}", null).statusCode()).isEqualTo(403);
            HttpResponse<String> signed = post(base + "api/signoff", signoff, dashboard.token());
            assertThat(signed.statusCode()).as(signed.body()).isEqualTo(200);
            HttpResponse<String> refused = post(base + "api/cutover", "{}", dashboard.token());
            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(refused.body()).contains("the go/no-go gate does not pass").contains("verification");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(get(base + "api/state").body())
                    .contains("Grace Hopper signed off as engineering"));
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header(DashboardServer.TOKEN_HEADER, token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The data of the first {@code count} "state" events of the stream. */
    private List<String> sse(String url, int count) throws Exception {
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofInputStream());
        List<String> data = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while (data.size() < count && (line = lines.readLine()) != null) {
                if (line.startsWith("data:")) {
                    data.add(line.substring("data:".length()).strip());
                }
            }
        }
        return data;
    }
}
