package dev.safeshift.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.Side;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.store.ControlStore;
import dev.safeshift.testing.EmbeddedPostgres;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The router provider against a real control store, with samples encoded the way the routers of
 * safeshift-jdbc encode them.
 */
class RouterMetricProviderIT {

    private static final Instant TO = Instant.parse("2030-01-01T12:00:00Z");
    private static final Instant FROM = TO.minus(Duration.ofMinutes(1));
    private static final String UPDATE = "update payments set status = ? where id = ?";
    private static final String UPDATE_ID = "0a1b2c3d4e5f6071";
    private static final String SELECT = "select * from payments where id = ?";
    private static final String SELECT_ID = "1111222233334444";

    private Endpoint database;
    private ControlStore store;
    private long migration;
    private long otherMigration;
    private RouterMetricProvider provider;

    @BeforeEach
    void createStore() {
        database = EmbeddedPostgres.newDatabase("router_metrics");
        store = ControlStore.open(database, "safeshift");
        migration = store.register("m", "{}").id();
        otherMigration = store.register("other", "{}").id();
        provider = RouterMetricProvider.open(database, "safeshift", migration);
    }

    @AfterEach
    void close() {
        provider.close();
        store.close();
    }

    private static MetricQuery query(Metric metric, Side side) {
        return new MetricQuery(metric.planName(), Optional.empty(), side, FROM, TO);
    }

    private static MetricQuery query(Metric metric, String pattern) {
        return new MetricQuery(metric.planName(), Optional.of(pattern), Side.TARGET, FROM, TO);
    }

    @Test
    void sumsCallsAndErrorsAndAddsTheLatencyHistogramsOfEveryRouterAndPattern() throws SQLException {
        // Two routers, two patterns, three intervals: 100 + 300 + 200 statements with latencies from 1 ms to 600 ms.
        long[] first = LongStream.rangeClosed(1, 100).map(i -> i * 1_000).toArray();
        long[] second = LongStream.rangeClosed(101, 400).map(i -> i * 1_000).toArray();
        long[] third = LongStream.rangeClosed(401, 600).map(i -> i * 1_000).toArray();
        insert(migration, "app-1", "TARGET", UPDATE_ID, UPDATE, FROM.plusSeconds(10), 4, first);
        insert(migration, "app-2", "TARGET", UPDATE_ID, UPDATE, FROM.plusSeconds(30), 6, second);
        insert(migration, "app-1", "TARGET", SELECT_ID, SELECT, TO, 2, third);
        Histogram all = histogram(LongStream.rangeClosed(1, 600).map(i -> i * 1_000).toArray());

        MetricReading errors = provider.read(query(Metric.ERROR_RATE, Side.TARGET));
        MetricReading p50 = provider.read(query(Metric.LATENCY_P50, Side.TARGET));
        MetricReading p99 = provider.read(query(Metric.LATENCY_P99, Side.TARGET));
        MetricReading max = provider.read(query(Metric.LATENCY_MAX, Side.TARGET));
        MetricReading throughput = provider.read(query(Metric.THROUGHPUT, Side.TARGET));

        assertThat(errors.value()).hasValue(100.0 * 12 / 600);
        assertThat(errors.samples()).isEqualTo(600);
        assertThat(errors.detail()).isEqualTo("600 calls, 12 errors on the target");
        assertThat(p50.value()).hasValue(all.getValueAtPercentile(50) / 1000.0);
        assertThat(p50.value().getAsDouble()).isCloseTo(300, within(3.0));
        assertThat(p99.value()).hasValue(all.getValueAtPercentile(99) / 1000.0);
        assertThat(p99.value().getAsDouble()).isCloseTo(594, within(6.0));
        assertThat(max.value()).hasValue(all.getMaxValue() / 1000.0);
        assertThat(max.value().getAsDouble()).isCloseTo(600, within(6.0));
        assertThat(throughput.value()).hasValue(600 / 60.0);
        assertThat(throughput.samples()).isEqualTo(600);
    }

    @Test
    void aWindowTakesTheSamplesThatEndedAfterItsStartAndUpToItsEnd() throws SQLException {
        insert(migration, "app-1", "TARGET", UPDATE_ID, UPDATE, FROM, 0, 1_000);
        insert(migration, "app-1", "TARGET", UPDATE_ID, UPDATE, FROM.plusMillis(1), 0, 2_000, 2_000);
        insert(migration, "app-1", "TARGET", UPDATE_ID, UPDATE, TO, 0, 3_000, 3_000, 3_000);
        insert(migration, "app-1", "TARGET", UPDATE_ID, UPDATE, TO.plusMillis(1), 0, 4_000, 4_000, 4_000, 4_000);

        MetricReading reading = provider.read(query(Metric.LATENCY_MAX, Side.TARGET));
        MetricReading next = provider.read(new MetricQuery("throughput", Optional.empty(), Side.TARGET, TO,
                TO.plus(Duration.ofMinutes(1))));

        assertThat(reading.samples()).as("the sample ending at the window's start belongs to the window before")
                .isEqualTo(5);
        assertThat(reading.value().getAsDouble()).isCloseTo(3, within(0.05));
        assertThat(next.samples()).as("windows laid end to end count each sample once").isEqualTo(4);
    }

    @Test
    void readsOnlyThisMigrationsSamplesOfTheSideAsked() throws SQLException {
        insert(migration, "app-1", "TARGET", UPDATE_ID, UPDATE, TO, 1, 5_000, 5_000);
        insert(migration, "app-1", "SOURCE", UPDATE_ID, UPDATE, TO, 0, 1_000, 1_000, 1_000, 1_000);
        insert(otherMigration, "app-1", "TARGET", UPDATE_ID, UPDATE, TO, 7, 9_000, 9_000, 9_000, 9_000, 9_000, 9_000, 9_000);

        MetricReading target = provider.read(query(Metric.ERROR_RATE, Side.TARGET));
        MetricReading source = provider.read(query(Metric.ERROR_RATE, Side.SOURCE));

        assertThat(target.value()).hasValue(50);
        assertThat(target.samples()).isEqualTo(2);
        assertThat(source.value()).hasValue(0);
        assertThat(source.samples()).isEqualTo(4);
        assertThat(source.detail()).isEqualTo("4 calls, 0 errors on the source");
    }

    @Test
    void aPatternFilterMatchesTextIgnoringCaseOrThePatternsId() throws SQLException {
        insert(migration, "app-1", "TARGET", UPDATE_ID, UPDATE, TO, 3, 1_000, 1_000, 1_000, 1_000);
        insert(migration, "app-1", "TARGET", SELECT_ID, SELECT, TO, 0, 1_000, 1_000, 1_000, 1_000, 1_000, 1_000);

        MetricReading byText = provider.read(query(Metric.ERROR_RATE, "UPDATE Payments"));
        MetricReading byId = provider.read(query(Metric.ERROR_RATE, SELECT_ID));
        MetricReading both = provider.read(query(Metric.ERROR_RATE, "payments"));
        MetricReading neither = provider.read(query(Metric.ERROR_RATE, "delete from"));

        assertThat(byText.value()).hasValue(75);
        assertThat(byText.samples()).isEqualTo(4);
        assertThat(byText.detail()).isEqualTo("4 calls, 3 errors on the target for patterns matching 'UPDATE Payments'");
        assertThat(byId.value()).hasValue(0);
        assertThat(byId.samples()).isEqualTo(6);
        assertThat(both.samples()).isEqualTo(10);
        assertThat(neither.value()).isEmpty();
    }

    @Test
    void aWindowWithoutStatementsHasNoValueAndMakesTheTriggerInconclusive() {
        TriggerEvaluator evaluator = new TriggerEvaluator(TriggerSpec.of("errors", Metric.ERROR_RATE,
                Condition.parse("> 2%", Metric.ERROR_RATE), TriggerAction.ALERT, Optional.empty()));

        MetricReading reading = provider.read(query(Metric.ERROR_RATE, Side.TARGET));
        Evaluation evaluation = evaluator.evaluate(reading, TO);

        assertThat(reading.value()).isEmpty();
        assertThat(reading.samples()).isZero();
        assertThat(reading.detail()).isEqualTo("no statements recorded on the target in this 1m window");
        assertThat(evaluation.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(evaluation.reason()).startsWith("inconclusive: no error rate data (no statements recorded on the "
                + "target in this 1m window)");
        assertThat(provider.byPattern(query(Metric.ERROR_RATE, Side.TARGET))).isEmpty();
    }

    @Test
    void breaksAWindowDownByPatternWithTheHighestValueFirst() throws SQLException {
        insert(migration, "app-1", "TARGET", SELECT_ID, SELECT, FROM.plusSeconds(5), 0, 1_000, 2_000);
        insert(migration, "app-2", "TARGET", SELECT_ID, SELECT, TO, 1, 3_000, 4_000);
        insert(migration, "app-1", "TARGET", UPDATE_ID, UPDATE, TO, 2, 800_000, 900_000);

        List<PatternReading> p99 = provider.byPattern(query(Metric.LATENCY_P99, Side.TARGET));
        List<PatternReading> errors = provider.byPattern(query(Metric.ERROR_RATE, Side.TARGET));

        assertThat(p99).extracting(PatternReading::patternId).containsExactly(UPDATE_ID, SELECT_ID);
        PatternReading update = p99.get(0);
        assertThat(update.pattern()).isEqualTo(UPDATE);
        assertThat(update.calls()).isEqualTo(2);
        assertThat(update.errors()).isEqualTo(2);
        assertThat(update.value()).isEqualTo(update.p99Millis());
        assertThat(update.p99Millis().getAsDouble()).isCloseTo(900, within(9.0));
        PatternReading select = p99.get(1);
        assertThat(select.calls()).as("both routers' samples of the pattern").isEqualTo(4);
        assertThat(select.errors()).isEqualTo(1);
        assertThat(select.p99Millis().getAsDouble()).isCloseTo(4, within(0.05));
        assertThat(errors).extracting(r -> r.value().getAsDouble()).containsExactly(100.0, 25.0);
    }

    @Test
    void aSampleThatIsNoHistogramIsReportedNotSkipped() throws SQLException {
        insert(migration, "app-1", "TARGET", UPDATE_ID, UPDATE, TO, 0, 1_000);
        try (Connection connection = EmbeddedPostgres.connect(database);
             PreparedStatement update = connection.prepareStatement("UPDATE safeshift.router_sample SET latency = ?")) {
            update.setBytes(1, new byte[] {1, 2, 3});
            update.executeUpdate();
        }

        assertThatThrownBy(() -> provider.read(query(Metric.LATENCY_P99, Side.TARGET)))
                .isInstanceOf(SafeshiftException.class)
                .hasMessageContaining("instance 'app-1', pattern " + UPDATE_ID)
                .hasMessageContaining("not a compressed HdrHistogram");
        assertThat(provider.read(query(Metric.ERROR_RATE, Side.TARGET)).samples())
                .as("counts need no histogram").isEqualTo(1);
    }

    @Test
    void anUnreachableStoreIsReported() {
        Endpoint nowhere = Endpoint.of("jdbc:postgresql://127.0.0.1:1/none", "postgres");
        try (RouterMetricProvider unreachable = RouterMetricProvider.open(nowhere, "safeshift", migration)) {
            assertThatThrownBy(() -> unreachable.read(query(Metric.ERROR_RATE, Side.TARGET)))
                    .isInstanceOfSatisfying(SafeshiftException.class,
                            e -> assertThat(e.kind()).isEqualTo(SafeshiftException.Kind.UNREACHABLE));
        }
    }

    @Test
    void aLostConnectionIsReportedAndTheNextReadConnectsAgain() throws SQLException {
        List<Connection> opened = new ArrayList<>();
        try (RouterMetricProvider reconnecting = new RouterMetricProvider(() -> {
            try {
                Connection connection = EmbeddedPostgres.connect(database);
                opened.add(connection);
                return connection;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }, "safeshift", migration)) {
            insert(migration, "app-1", "TARGET", UPDATE_ID, UPDATE, TO, 0, 1_000);
            assertThat(reconnecting.read(query(Metric.ERROR_RATE, Side.TARGET)).samples()).isEqualTo(1);
            terminate(opened.get(0));

            assertThatThrownBy(() -> reconnecting.read(query(Metric.ERROR_RATE, Side.TARGET)))
                    .isInstanceOfSatisfying(SafeshiftException.class,
                            e -> assertThat(e.kind()).isEqualTo(SafeshiftException.Kind.UNREACHABLE));
            assertThat(reconnecting.read(query(Metric.ERROR_RATE, Side.TARGET)).samples()).isEqualTo(1);
            assertThat(opened).hasSize(2);
        }
    }

    private void terminate(Connection victim) throws SQLException {
        int pid;
        try (var statement = victim.createStatement(); var rows = statement.executeQuery("SELECT pg_backend_pid()")) {
            rows.next();
            pid = rows.getInt(1);
        }
        try (Connection connection = EmbeddedPostgres.connect(database);
             PreparedStatement kill = connection.prepareStatement("SELECT pg_terminate_backend(?)")) {
            kill.setInt(1, pid);
            kill.execute();
        }
        // The signal is taken at once, but not before this returns: wait until the session is gone.
        try (Connection connection = EmbeddedPostgres.connect(database);
             PreparedStatement alive = connection.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE pid = ?")) {
            alive.setInt(1, pid);
            for (int attempt = 0; attempt < 200; attempt++) {
                try (var rows = alive.executeQuery()) {
                    rows.next();
                    if (rows.getLong(1) == 0) {
                        return;
                    }
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IllegalStateException("session " + pid + " was not terminated within 10 s");
    }

    @Test
    void refusesAMetricItDoesNotHaveAndASchemaNameThatIsNotPlain() {
        assertThatThrownBy(() -> provider.read(new MetricQuery("replication_lag", Optional.empty(), Side.TARGET, FROM, TO)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the router provider has no metric 'replication_lag'; it offers error_rate, latency_p50, "
                        + "latency_p95, latency_p99, latency_max, throughput");
        assertThatThrownBy(() -> RouterMetricProvider.open(database, "safeshift\"; drop table x; --", migration))
                .isInstanceOf(SafeshiftException.class).hasMessageContaining("not a usable control store schema name");
        assertThat(provider.kind()).isEqualTo(ProviderKind.ROUTER);
    }

    /** One router's sample of one interval ending at {@code end}, with one call per latency given. */
    private void insert(long migrationId, String instance, String side, String patternId, String pattern, Instant end,
                        long errors, long... latenciesMicros) throws SQLException {
        try (Connection connection = EmbeddedPostgres.connect(database);
             PreparedStatement insert = connection.prepareStatement("INSERT INTO safeshift.router_sample (migration_id,"
                     + " instance, side, pattern_id, pattern, interval_start, interval_end, calls, errors, latency)"
                     + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setLong(1, migrationId);
            insert.setString(2, instance);
            insert.setString(3, side);
            insert.setString(4, patternId);
            insert.setString(5, pattern);
            insert.setObject(6, OffsetDateTime.ofInstant(end.minusSeconds(1), ZoneOffset.UTC));
            insert.setObject(7, OffsetDateTime.ofInstant(end, ZoneOffset.UTC));
            insert.setLong(8, latenciesMicros.length);
            insert.setLong(9, errors);
            insert.setBytes(10, encoded(histogram(latenciesMicros)));
            insert.executeUpdate();
        }
    }

    /** As the routers record: microseconds, 2 significant digits, up to one hour. */
    private static Histogram histogram(long... latenciesMicros) {
        Histogram histogram = new Histogram(TimeUnit.HOURS.toMicros(1), 2);
        for (long latency : latenciesMicros) {
            histogram.recordValue(latency);
        }
        return histogram;
    }

    /** As the routers write them to the store. */
    private static byte[] encoded(Histogram histogram) {
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        byte[] bytes = new byte[length];
        buffer.flip();
        buffer.get(bytes);
        return bytes;
    }
}
