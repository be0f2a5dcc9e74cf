package dev.safeshift.trigger;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus started for a test, from the operating system's package (.ci/run installs it):
 * listening on a free port of 127.0.0.1, keeping its data in a temporary directory, and scraping
 * itself every second, so that series such as {@code up} and {@code prometheus_http_requests_total}
 * exist. {@link #start()} returns once the first scrape can be queried.
 */
final class PrometheusProcess implements AutoCloseable {

    private final Path directory;
    private final int port;
    private final Process process;

    private PrometheusProcess(Path directory, int port, Process process) {
        this.directory = directory;
        this.port = port;
        this.process = process;
    }

    /** The prometheus program, or a failed test saying how to install it. */
    static Path binary() {
        List<Path> candidates = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "prometheus"));
            }
        }
        candidates.add(Path.of("/usr/bin/prometheus"));
        candidates.add(Path.of("/usr/local/bin/prometheus"));
        Optional<Path> found = candidates.stream().filter(Files::isExecutable).findFirst();
        if (found.isEmpty()) {
            fail("prometheus is not installed, and the prometheus provider is tested against a real one. Install it "
                    + "(apt-get install -y prometheus, as .ci/run does) and run the tests again.");
        }
        return found.get();
    }

    static PrometheusProcess start() throws IOException, InterruptedException {
        Path binary = binary();
        Path directory = Files.createTempDirectory("safeshift-prometheus");
        int port = freePort();
        Path config = Files.writeString(directory.resolve("prometheus.yml"), String.join("\n",
                "# written by the test: Prometheus scrapes itself, so that it has series to query",
                "global:",
                "  scrape_interval: 1s",
                "  evaluation_interval: 1s",
                "scrape_configs:",
                "  - job_name: prometheus",
                "    static_configs:",
                "      - targets: ['127.0.0.1:" + port + "']",
                ""));
        Path log = directory.resolve("prometheus.log");
        List<String> command = List.of(binary.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + directory.resolve("data"), "--web.listen-address=127.0.0.1:" + port);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PrometheusProcess started = new PrometheusProcess(directory, port, process);
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Instant giveUp = Instant.now().plus(Duration.ofSeconds(30));
        String last = "no answer yet";
        while (true) {
            try {
                HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create(started.url()
                                + "/api/v1/query?query=up%7Bjob%3D%22prometheus%22%7D")).timeout(Duration.ofSeconds(2))
                        .build(), HttpResponse.BodyHandlers.ofString());
                last = answer.statusCode() + " " + answer.body();
                if (answer.statusCode() == 200 && answer.body().contains("\"value\"")) {
                    return started;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            if (!process.isAlive() || Instant.now().isAfter(giveUp)) {
                String output = Files.readString(log);
                started.close();
                fail("Prometheus did not start, or never scraped itself (" + String.join(" ", command) + "); last "
                        + "answer: " + last + "\n" + output);
            }
            Thread.sleep(200);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The base address, as a plan's cutover.prometheus.url writes it. */
    String url() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
            try (var files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }
}
