package dev.safeshift.trigger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safeshift.SafeshiftException;
import dev.safeshift.plan.PrometheusSettings;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code prometheus} provider: the trigger's PromQL query, evaluated by a Prometheus server
 * through its HTTP API ({@code /api/v1/query}) at the end of the window. The answer must be one
 * number: a scalar, or an instant vector of exactly one series. No series is no data; several are
 * a mistake in the query, which must aggregate them; NaN and infinities are no data.
 *
 * <p>Before the query is sent, {@value #SIDE} in it is replaced by {@code source} or {@code target},
 * the side being read (the source for the baseline, the target after cutover), {@value #WINDOW} by
 * the window's length as a PromQL duration ({@code 60s}) and {@value #WINDOW_SECONDS} by the same as
 * a number ({@code 60}), so one query can read the same figures of either side over the trigger's
 * window, as in {@code sum(rate(app_errors_total{db="{side}"}[{window}]))}.
 *
 * <p>Each request gives up after a few seconds, because the daemon's loop waits for it.
 */
public final class PrometheusMetricProvider implements MetricProvider {

    /** Replaced by {@code source} or {@code target}, the side being read. */
    public static final String SIDE = "{side}";
    /** Replaced by the window's length as a PromQL duration, such as {@code 60s}. */
    public static final String WINDOW = "{window}";
    /** Replaced by the window's length in whole seconds, such as {@code 60}. */
    public static final String WINDOW_SECONDS = "{window_seconds}";
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Enough of an answer that is not Prometheus's JSON to recognise what answered instead. */
    private static final int SHOWN_BODY = 200;

    private final URI base;
    private final URI queryApi;
    private final HttpClient client;
    private final Duration connectTimeout;
    private final Duration requestTimeout;

    /**
     * @param settings       the plan's {@code cutover.prometheus}
     * @param connectTimeout how long connecting may take
     * @param requestTimeout how long a query may take from sending it to the whole answer; Prometheus
     *                       is asked to give up by then as well
     */
    public PrometheusMetricProvider(PrometheusSettings settings, Duration connectTimeout, Duration requestTimeout) {
        Objects.requireNonNull(settings, "settings");
        this.base = settings.url();
        this.queryApi = settings.api("query");
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.client = HttpClient.newBuilder().connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /** A provider asking the server of {@code settings}, with the usual timeouts. */
    public static PrometheusMetricProvider open(PrometheusSettings settings) {
        return new PrometheusMetricProvider(settings, CONNECT_TIMEOUT, REQUEST_TIMEOUT);
    }

    @Override
    public ProviderKind kind() {
        return ProviderKind.PROMETHEUS;
    }

    @Override
    public MetricReading read(MetricQuery query) {
        Metric metric = Metric.ofPlanName(query.metric()).filter(ProviderKind.PROMETHEUS.metrics()::contains)
                .orElseThrow(() -> new IllegalArgumentException("the prometheus provider has no metric '"
                        + query.metric() + "'; it offers " + String.join(", ", ProviderKind.PROMETHEUS.metrics()
                        .stream().sorted().map(Metric::planName).toList())));
        String promql = expression(query.providerQuery().orElseThrow(() -> new IllegalArgumentException(
                "the prometheus provider asks the trigger's query, and this " + metric.planName() + " trigger has none")),
                query);
        JsonNode data = ask(promql, query.to());
        String side = query.side().label();
        String resultType = data.path("resultType").asText();
        JsonNode result = data.path("result");
        return switch (resultType) {
            case "scalar" -> value(result, "scalar for the " + side);
            case "vector" -> {
                if (result.size() == 0) {
                    yield MetricReading.none("the query returned no series for the " + side + " at " + query.to());
                }
                if (result.size() > 1) {
                    throw mistake("returned " + result.size() + " series for the " + side + " (" + seriesList(result)
                            + "); it must return one number: aggregate them, such as sum(...), max(...) or"
                            + " avg(...)");
                }
                yield value(result.get(0).path("value"), "series " + labels(result.get(0).path("metric")) + " for the "
                        + side);
            }
            case "matrix" -> throw mistake("returned a range vector, several values per series; it must return one"
                    + " number: use a function over the range, such as rate(...[" + WINDOW + "]) or"
                    + " max_over_time(...[" + WINDOW + "])");
            default -> throw mistake("returned " + (resultType.isEmpty() ? "no result" : "a " + resultType)
                    + ", not a number");
        };
    }

    /** The query with its placeholders replaced; what replaces them is a fixed word or a number. */
    static String expression(String promql, MetricQuery query) {
        long seconds = Math.max(1, query.window().toSeconds());
        return promql.replace(SIDE, query.side().label()).replace(WINDOW_SECONDS, Long.toString(seconds))
                .replace(WINDOW, seconds + "s");
    }

    /** The {@code data} of Prometheus's answer to an instant query at {@code at}. */
    private JsonNode ask(String promql, Instant at) {
        String form = "query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)
                + "&time=" + new BigDecimal(at.toEpochMilli()).movePointLeft(3).toPlainString()
                + "&timeout=" + requestTimeout.toMillis() + "ms";
        HttpRequest request = HttpRequest.newBuilder(queryApi).timeout(requestTimeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException e) {
            throw unreachable("connecting timed out after " + connectTimeout.toMillis() + "ms", e);
        } catch (HttpTimeoutException e) {
            throw new SafeshiftException(SafeshiftException.Kind.UNREACHABLE, "Prometheus at " + base + " did not"
                    + " answer the trigger's query within " + requestTimeout.toMillis() + "ms, the most an evaluation"
                    + " waits; make the query cheaper, or check the server's load.", e);
        } catch (ConnectException e) {
            throw unreachable("connection refused", e);
        } catch (IOException e) {
            throw unreachable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SafeshiftException(SafeshiftException.Kind.INTERNAL, "interrupted while asking Prometheus at "
                    + base, e);
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(response.body());
        } catch (JsonProcessingException e) {
            answer = null;
        }
        if (answer == null || !answer.isObject() || !answer.has("status")) {
            throw new SafeshiftException(SafeshiftException.Kind.UNREACHABLE, "the server at " + base + " answered HTTP "
                    + response.statusCode() + " with something that is not Prometheus's API (" + shown(response.body())
                    + "). Check cutover.prometheus.url: the server's base address, such as http://prometheus:9090,"
                    + " without /api/v1.");
        }
        if (!"success".equals(answer.path("status").asText())) {
            String type = answer.path("errorType").asText("");
            String error = answer.path("error").asText("no error text given");
            if (type.equals("bad_data")) {
                throw mistake("was refused by Prometheus: " + error);
            }
            throw new SafeshiftException(SafeshiftException.Kind.STATE, "Prometheus at " + base + " could not answer the"
                    + " trigger's query (HTTP " + response.statusCode() + (type.isEmpty() ? "" : ", " + type) + "): "
                    + error + ".");
        }
        return answer.path("data");
    }

    /** A sample {@code [time, "value"]}; NaN and infinities are no data, with the reason. */
    private static MetricReading value(JsonNode sample, String what) {
        String text = sample.path(1).asText("");
        return switch (text) {
            case "NaN" -> MetricReading.none("Prometheus's value is NaN (" + what + "), as when a rate is divided by"
                    + " no traffic");
            case "+Inf", "-Inf", "Inf" -> MetricReading.none("Prometheus's value is " + text + " (" + what
                    + "), as when a number is divided by 0");
            default -> {
                double number;
                try {
                    number = Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw mistake("returned '" + shown(text) + "' (" + what + "), not a number");
                }
                yield MetricReading.of(number, 1, "Prometheus's " + what);
            }
        };
    }

    private static String seriesList(JsonNode result) {
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < Math.min(3, result.size()); i++) {
            shown.add(labels(result.get(i).path("metric")));
        }
        return String.join(", ", shown) + (result.size() > 3 ? ", ..." : "");
    }

    /** A series' labels as PromQL writes them: {@code {job="app", side="target"}}. */
    private static String labels(JsonNode metric) {
        List<String> pairs = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = metric.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            pairs.add(field.getKey() + "=\"" + field.getValue().asText() + "\"");
        }
        return "{" + String.join(", ", pairs) + "}";
    }

    private SafeshiftException unreachable(String reason, Exception cause) {
        return new SafeshiftException(SafeshiftException.Kind.UNREACHABLE, "cannot reach Prometheus at " + base + " ("
                + reason + "). Check cutover.prometheus.url, and that Prometheus is running.", cause);
    }

    private static SafeshiftException mistake(String what) {
        return new SafeshiftException(SafeshiftException.Kind.STATE, "the trigger's PromQL query " + what
                + ". Fix the trigger's query in the plan.");
    }

    private static String shown(String text) {
        String line = text.strip().replaceAll("\\s+", " ");
        return line.isEmpty() ? "an empty body" : line.length() > SHOWN_BODY ? line.substring(0, SHOWN_BODY) + "..."
                : line;
    }

    /** Nothing is held between queries (the HTTP client keeps its connections until it is collected). */
    @Override
    public void close() {
        // HttpClient has no close before Java 21
    }
}
