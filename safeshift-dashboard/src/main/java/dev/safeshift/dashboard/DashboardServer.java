package dev.safeshift.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.safeshift.SafeshiftException;
import dev.safeshift.app.GoNoGo;
import dev.safeshift.app.Migration;
import dev.safeshift.gate.Criterion;
import dev.safeshift.gate.GateReport;
import dev.safeshift.plan.Plan;
import dev.safeshift.plan.Policy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The migration's dashboard, served by the process that runs it: the page ({@code /}), its state as
 * JSON ({@code /api/state}) and as Server-Sent Events once a second ({@code /events}), Prometheus
 * series ({@code /metrics}), and two actions, sign-off and cutover, that need the token printed when
 * the dashboard starts: without it the page is read-only.
 */
public final class DashboardServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The header the page sends the token in. */
    public static final String TOKEN_HEADER = "X-Safeshift-Token";
    private static final String JSON_TYPE = "application/json";

    private final Plan plan;
    private final Optional<Policy> policy;
    private final String token;
    private final SnapshotSource source;
    private final AtomicReference<ObjectNode> latest = new AtomicReference<>();
    private final List<EventStream> streams = new CopyOnWriteArrayList<>();
    private final DashboardMetrics metrics = new DashboardMetrics(latest);
    private final String page;
    private final Server server;
    private final ScheduledExecutorService ticker;
    private final String url;

    private DashboardServer(Plan plan, Optional<Policy> policy, String host, int port) throws Exception {
        this.plan = plan;
        this.policy = policy;
        this.token = HexFormat.of().formatHex(randomBytes());
        this.source = new SnapshotSource(plan, policy);
        this.page = page();
        this.server = new Server(new QueuedThreadPool(16, 2, 60_000));
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new Routes());
        server.start();
        this.url = "http://" + (host.equals("0.0.0.0") ? "127.0.0.1" : host) + ":" + connector.getLocalPort() + "/";
        this.ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "safeshift-dashboard");
            thread.setDaemon(true);
            return thread;
        });
        ticker.scheduleWithFixedDelay(this::tick, 0, 1, TimeUnit.SECONDS);
    }

    /** The few paths the dashboard answers; anything else is 404. */
    private final class Routes extends Handler.Abstract {

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String path = Request.getPathInContext(request);
            String method = request.getMethod();
            if ("GET".equals(method)) {
                switch (path) {
                    case "/" -> reply(response, callback, 200, "text/html; charset=utf-8", page);
                    case "/api/state" -> reply(response, callback, 200, JSON_TYPE, JSON.writeValueAsString(current()));
                    case "/metrics" -> reply(response, callback, 200, metrics.contentType(), metrics.scrape());
                    case "/events" -> subscribe(response, callback);
                    default -> reply(response, callback, 404, JSON_TYPE, "{\"error\":\"not found\"}");
                }
                return true;
            }
            if ("POST".equals(method) && ("/api/signoff".equals(path) || "/api/cutover".equals(path))) {
                if (!authorized(request)) {
                    reply(response, callback, 403, JSON_TYPE, JSON.createObjectNode().put("error", "this needs the "
                            + "dashboard's token, which was printed where the dashboard was started; without it the page "
                            + "is read-only").toString());
                    return true;
                }
                String body = Content.Source.asString(request, StandardCharsets.UTF_8);
                Answer answer = "/api/signoff".equals(path) ? signoff(body) : cutover(body);
                reply(response, callback, answer.status(), JSON_TYPE, answer.json());
                return true;
            }
            reply(response, callback, 405, JSON_TYPE, "{\"error\":\"method not allowed\"}");
            return true;
        }
    }

    private record Answer(int status, String json) {
    }

    private static void reply(Response response, Callback callback, int status, String type, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        Content.Sink.write(response, true, body, callback);
    }

    /**
     * Starts the dashboard of {@code plan} on {@code host}:{@code port} (port 0 picks a free one).
     * It reads everything from the control store, so it shows the migration whoever runs it.
     */
    public static DashboardServer start(Plan plan, Optional<Policy> policy, String host, int port) {
        try {
            return new DashboardServer(plan, policy, host, port);
        } catch (Exception e) {
            throw new SafeshiftException(SafeshiftException.Kind.BAD_PLAN, "the dashboard could not listen on " + host
                    + ":" + port + ": " + rootMessage(e) + ". Choose another port with --dashboard.", e);
        }
    }

    public String url() {
        return url;
    }

    /** What sign-off and cutover from the page need; printed to whoever started the dashboard, nowhere else. */
    public String token() {
        return token;
    }

    private void tick() {
        try {
            ObjectNode snapshot = source.read();
            latest.set(snapshot);
            String data = JSON.writeValueAsString(snapshot);
            for (EventStream stream : streams) {
                if (!stream.send("state", data)) {
                    streams.remove(stream);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("the dashboard could not refresh its state", e);
        }
    }

    private ObjectNode current() {
        ObjectNode snapshot = latest.get();
        return snapshot != null ? snapshot : source.read();
    }

    private void subscribe(Response response, Callback callback) throws IOException {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        EventStream stream = new EventStream(response, callback);
        if (stream.send("state", JSON.writeValueAsString(current()))) {
            streams.add(stream);
        }
    }

    private boolean authorized(Request request) {
        String given = request.getHeaders().get(TOKEN_HEADER);
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8));
    }

    private Answer signoff(String body) throws IOException {
        JsonNode fields = JSON.readTree(body.isBlank() ? "{}" : body);
        try {
            GoNoGo.Signed signed = new GoNoGo(plan, policy, "dashboard").signoff(fields.path("name").asText(""),
                    fields.path("role").asText(""), Optional.ofNullable(fields.path("comment").asText(null)));
            return new Answer(200, JSON.createObjectNode().put("recorded", true).put("role", signed.role())
                    .put("seq", signed.seq()).put("text", "Signed off as " + signed.role() + ".").toString());
        } catch (SafeshiftException e) {
            return new Answer(400, JSON.createObjectNode().put("error", e.getMessage()).toString());
        }
    }

    private Answer cutover(String body) throws IOException, InterruptedException {
        JsonNode fields = JSON.readTree(body.isBlank() ? "{}" : body);
        String override = fields.path("override").asText("").strip();
        GateReport gate = source.freshGate();
        if (!gate.passed() && override.isEmpty()) {
            return new Answer(409, JSON.createObjectNode().put("error", "the go/no-go gate does not pass: "
                    + String.join(", ", gate.notPassed().stream().map(Criterion::name).toList())
                    + "; give a reason to override it").toString());
        }
        try {
            if (!gate.passed()) {
                new GoNoGo(plan, policy, "dashboard").recordOverride(override, gate);
            }
            Migration.SwitchAnswer answer = new Migration(plan, "dashboard").cutover();
            return new Answer(200, JSON.createObjectNode().put("switched", answer.switched()).put("text", answer.text())
                    .toString());
        } catch (SafeshiftException e) {
            return new Answer(409, JSON.createObjectNode().put("error", e.getMessage()).toString());
        }
    }

    private static String page() {
        try (InputStream in = DashboardServer.class.getResourceAsStream("dashboard.html")) {
            if (in == null) {
                throw new IllegalStateException("dashboard.html is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("dashboard.html could not be read", e);
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.toString() : cause.getMessage();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        streams.forEach(EventStream::close);
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("the dashboard's server did not stop cleanly", e);
        }
        source.close();
    }
}
