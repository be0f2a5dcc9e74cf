package dev.safeshift.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.Side;
import dev.safeshift.plan.PrometheusSettings;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The prometheus provider against a real Prometheus, which scrapes itself so that it has series to answer with. */
class PrometheusMetricProviderIT {

    private static PrometheusProcess prometheus;
    private static PrometheusMetricProvider provider;

    @BeforeAll
    static void start() throws Exception {
        prometheus = PrometheusProcess.start();
        provider = PrometheusMetricProvider.open(new PrometheusSettings(URI.create(prometheus.url())));
    }

    @AfterAll
    static void stop() {
        if (provider != null) {
            provider.close();
        }
        if (prometheus != null) {
            prometheus.close();
        }
    }

    private static MetricQuery query(Side side, String promql) {
        return query(Metric.ERROR_RATE, side, Instant.now(), promql);
    }

    private static MetricQuery query(Metric metric, Side side, Instant at, String promql) {
        return new MetricQuery(metric.planName(), Optional.empty(), side, at.minus(Duration.ofMinutes(1)), at,
                Optional.of(promql));
    }

    @Test
    void oneSeriesIsTheValueAndOneSample() {
        MetricReading reading = provider.read(query(Side.TARGET, "up{job=\"prometheus\"} * 42"));

        assertThat(reading.value()).hasValue(42.0);
        assertThat(reading.samples()).isEqualTo(1);
        assertThat(reading.detail()).isEqualTo("Prometheus's series {instance=\"127.0.0.1:" + URI.create(prometheus.url())
                .getPort() + "\", job=\"prometheus\"} for the target");
    }

    @Test
    void aScalarIsTheValue() {
        MetricReading reading = provider.read(query(Side.SOURCE, "scalar(sum(up))"));

        assertThat(reading.value()).hasValue(1.0);
        assertThat(reading.detail()).isEqualTo("Prometheus's scalar for the source");
    }

    @Test
    void theQueryIsEvaluatedAtTheEndOfTheWindow() {
        Instant at = Instant.ofEpochSecond(Instant.now().minus(Duration.ofMinutes(5)).getEpochSecond(), 250_000_000);

        MetricReading reading = provider.read(query(Metric.THROUGHPUT, Side.TARGET, at, "time()"));

        assertThat(reading.value().getAsDouble()).isCloseTo(at.toEpochMilli() / 1000.0, within(0.0005));
    }

    @Test
    void theSideAndTheWindowAreWrittenIntoTheQuery() {
        MetricReading target = provider.read(query(Side.TARGET,
                "label_replace(vector({window_seconds}), \"side\", \"{side}\", \"\", \"\")"));
        MetricReading source = provider.read(query(Side.SOURCE,
                "sum(count_over_time(up{job=\"prometheus\"}[{window}])) > bool 0"));

        assertThat(target.value()).hasValue(60.0);
        assertThat(target.detail()).isEqualTo("Prometheus's series {side=\"target\"} for the target");
        assertThat(source.value()).hasValue(1.0);
    }

    @Test
    void noSeriesIsNoData() {
        MetricReading reading = provider.read(query(Side.TARGET, "up{job=\"no-such-job\"}"));

        assertThat(reading.value()).isEmpty();
        assertThat(reading.detail()).startsWith("the query returned no series for the target at ");
    }

    @Test
    void severalSeriesAreRefusedWithAdviceToAggregate() {
        assertThatThrownBy(() -> provider.read(query(Side.TARGET, "label_replace(vector(1), \"pod\", \"a\", \"\", \"\")"
                + " or label_replace(vector(2), \"pod\", \"b\", \"\", \"\")")))
                .isInstanceOf(SafeshiftException.class)
                .hasMessage("the trigger's PromQL query returned 2 series for the target ({pod=\"a\"}, {pod=\"b\"}); it"
                        + " must return one number: aggregate them, such as sum(...), max(...) or avg(...). Fix the"
                        + " trigger's query in the plan.");
        assertThatThrownBy(() -> provider.read(query(Side.TARGET, "go_gc_duration_seconds")))
                .as("one series per quantile").hasMessageContaining("returned 5 series for the target ({__name__="
                        + "\"go_gc_duration_seconds\"").hasMessageContaining(", ...); it must return one number");
    }

    @Test
    void notANumberAndInfinityAreNoData() {
        MetricReading nan = provider.read(query(Side.TARGET, "0 / 0"));
        MetricReading infinite = provider.read(query(Side.TARGET, "sum(up) / 0"));

        assertThat(nan.value()).isEmpty();
        assertThat(nan.detail()).isEqualTo("Prometheus's value is NaN (scalar for the target), as when a rate is"
                + " divided by no traffic");
        assertThat(infinite.value()).isEmpty();
        assertThat(infinite.detail()).startsWith("Prometheus's value is +Inf (series {} for the target)");
    }

    @Test
    void aQueryPrometheusRefusesCarriesItsErrorText() {
        assertThatThrownBy(() -> provider.read(query(Side.TARGET, "sum(rate(up[1m]")))
                .isInstanceOfSatisfying(SafeshiftException.class,
                        e -> assertThat(e.kind()).isEqualTo(SafeshiftException.Kind.STATE))
                .hasMessageStartingWith("the trigger's PromQL query was refused by Prometheus: invalid parameter"
                        + " \"query\": ")
                .hasMessageContaining("parse error")
                .hasMessageEndingWith(". Fix the trigger's query in the plan.");
    }

    @Test
    void aRangeVectorIsRefused() {
        assertThatThrownBy(() -> provider.read(query(Side.TARGET, "up{job=\"prometheus\"}[1m]")))
                .isInstanceOf(SafeshiftException.class)
                .hasMessageContaining("returned a range vector, several values per series; it must return one number:"
                        + " use a function over the range, such as rate(...[{window}])");
    }

    @Test
    void anAddressThatIsNotPrometheusSaysWhatToCheck() {
        try (PrometheusMetricProvider wrong = PrometheusMetricProvider.open(
                new PrometheusSettings(URI.create(prometheus.url() + "/api/v1")))) {
            assertThatThrownBy(() -> wrong.read(query(Side.TARGET, "vector(1)")))
                    .isInstanceOf(SafeshiftException.class)
                    .hasMessage("the server at " + prometheus.url() + "/api/v1 answered HTTP 404 with something that is"
                            + " not Prometheus's API (404 page not found). Check cutover.prometheus.url: the server's"
                            + " base address, such as http://prometheus:9090, without /api/v1.");
        }
    }

    @Test
    void anUnreachableServerIsReported() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        String nowhere = "http://127.0.0.1:" + closed;
        try (PrometheusMetricProvider unreachable = PrometheusMetricProvider.open(
                new PrometheusSettings(URI.create(nowhere)))) {
            assertThatThrownBy(() -> unreachable.read(query(Side.TARGET, "vector(1)")))
                    .isInstanceOfSatisfying(SafeshiftException.class,
                            e -> assertThat(e.kind()).isEqualTo(SafeshiftException.Kind.UNREACHABLE))
                    .hasMessage("cannot reach Prometheus at " + nowhere + " (connection refused). Check"
                            + " cutover.prometheus.url, and that Prometheus is running.");
        }
    }

    @Test
    void offersTheStatementMetricsButNotTheStreamsLag() {
        assertThat(provider.kind()).isEqualTo(ProviderKind.PROMETHEUS);
        assertThatThrownBy(() -> provider.read(query(Metric.LAG, Side.TARGET, Instant.now(), "vector(1)")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the prometheus provider has no metric 'lag'");
    }
}
