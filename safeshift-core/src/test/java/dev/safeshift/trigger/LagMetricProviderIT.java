package dev.safeshift.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.Side;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.Direction;
import dev.safeshift.testing.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The lag provider reading the stream reports of a real control store. */
class LagMetricProviderIT {

    private Endpoint database;
    private ControlStore store;
    private long migration;
    private LagMetricProvider provider;

    @BeforeEach
    void createStore() {
        database = EmbeddedPostgres.newDatabase("lag_metrics");
        store = ControlStore.open(database, "safeshift");
        migration = store.register("m", "{}").id();
        provider = LagMetricProvider.open(database, "safeshift", migration);
    }

    @AfterEach
    void close() {
        provider.close();
        store.close();
    }

    private static MetricQuery lag(Side side) {
        Instant now = Instant.now();
        return new MetricQuery("lag", Optional.empty(), side, now.minus(Duration.ofMinutes(1)), now);
    }

    private void streaming(Direction direction, long lagMillis) {
        store.recordCapture(migration, direction, "slot_" + direction.stored(), "pub_" + direction.stored(),
                Optional.empty(), Optional.empty());
        store.captureStarted(migration, direction, "0/16B3748");
        store.reportStream(migration, direction, "0/16B3800", 4096, lagMillis, 10, OptionalLong.empty());
    }

    private void reportedAgo(Direction direction, Duration age) throws SQLException {
        try (Connection connection = EmbeddedPostgres.connect(database);
             PreparedStatement update = connection.prepareStatement("UPDATE safeshift.stream"
                     + " SET reported_at = clock_timestamp() - ? * interval '1 millisecond'"
                     + " WHERE migration_id = ? AND direction = ?")) {
            update.setLong(1, age.toMillis());
            update.setLong(2, migration);
            update.setString(3, direction.stored());
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }

    @Test
    void theTargetReadsTheStreamBackAndTheSourceTheForwardStream() {
        streaming(Direction.FORWARD, 1_200);
        streaming(Direction.REVERSE, 45_000);

        MetricReading baseline = provider.read(lag(Side.SOURCE));
        MetricReading afterCutover = provider.read(lag(Side.TARGET));

        assertThat(baseline.value()).hasValue(1_200.0);
        assertThat(baseline.samples()).isEqualTo(1);
        assertThat(baseline.detail()).startsWith("the forward stream was 1200ms behind ");
        assertThat(afterCutover.value()).hasValue(45_000.0);
        assertThat(afterCutover.detail()).startsWith("the stream back to the source was 45000ms behind ");
    }

    @Test
    void aStaleReportIsNoDataWhatEverItSaid() throws SQLException {
        streaming(Direction.REVERSE, 0);
        reportedAgo(Direction.REVERSE, Duration.ofMillis(30_500));

        MetricReading reading = provider.read(lag(Side.TARGET));

        assertThat(reading.value()).isEmpty();
        assertThat(reading.detail()).isEqualTo("the stream back to the source last reported its lag 31s ago, longer"
                + " than the 10s after which a report is stale: the daemon may have stopped streaming");
    }

    @Test
    void aReportJustWithinTheLimitIsRead() throws SQLException {
        streaming(Direction.REVERSE, 700);
        reportedAgo(Direction.REVERSE, Duration.ofSeconds(8));

        assertThat(provider.read(lag(Side.TARGET)).value()).hasValue(700.0);
    }

    @Test
    void aStreamThatHasNotReportedOrStartedOrDoesNotExistIsNoData() {
        assertThat(provider.read(lag(Side.TARGET)).detail())
                .isEqualTo("the stream back to the source is not recorded for this migration");

        store.recordCapture(migration, Direction.REVERSE, "slot_back", "pub_back", Optional.empty(), Optional.empty());
        assertThat(provider.read(lag(Side.TARGET)).detail()).isEqualTo("the stream back to the source has not started");

        store.captureStarted(migration, Direction.REVERSE, "0/16B3748");
        MetricReading unreported = provider.read(lag(Side.TARGET));
        assertThat(unreported.value()).isEmpty();
        assertThat(unreported.detail()).isEqualTo("the stream back to the source has not reported its lag yet");
    }

    @Test
    void readsOnlyThisMigrationsStream() {
        long other = store.register("other", "{}").id();
        store.recordCapture(other, Direction.FORWARD, "slot_o", "pub_o", Optional.empty(), Optional.empty());
        store.captureStarted(other, Direction.FORWARD, "0/1");
        store.reportStream(other, Direction.FORWARD, "0/2", 1, 99_000, 1, OptionalLong.empty());

        assertThat(provider.read(lag(Side.SOURCE)).value()).isEmpty();
    }

    @Test
    void offersOnlyTheLag() {
        assertThat(provider.kind()).isEqualTo(ProviderKind.LAG);
        Instant now = Instant.now();
        assertThatThrownBy(() -> provider.read(new MetricQuery("error_rate", Optional.empty(), Side.TARGET,
                now.minusSeconds(60), now)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the lag provider has no metric 'error_rate'; it offers lag");
    }

    @Test
    void anUnreachableStoreIsReported() {
        Endpoint nowhere = Endpoint.of("jdbc:postgresql://127.0.0.1:1/none", "postgres");
        try (LagMetricProvider unreachable = LagMetricProvider.open(nowhere, "safeshift", migration)) {
            assertThatThrownBy(() -> unreachable.read(lag(Side.TARGET)))
                    .isInstanceOfSatisfying(SafeshiftException.class,
                            e -> assertThat(e.kind()).isEqualTo(SafeshiftException.Kind.UNREACHABLE));
        }
    }
}
