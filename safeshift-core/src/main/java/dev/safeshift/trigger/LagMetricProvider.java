package dev.safeshift.trigger;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.Side;
import dev.safeshift.jdbc.ConnectionLoss;
import dev.safeshift.jdbc.Connections;
import dev.safeshift.plan.Durations;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.store.Direction;
import dev.safeshift.store.StoreDialect;
import dev.safeshift.store.StoreDialects;
import dev.safeshift.store.StoreSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The {@code lag} provider: how far behind the change stream is, as the daemon last reported it to
 * the control store's {@code stream} table. After cutover the application writes to the target and
 * the stream that matters is the one back to the source, which keeps the way back open: that is
 * what a reading on the target is. The baseline, read on the source before cutover, is the forward
 * stream's.
 *
 * <p>The lag is a figure of the moment (the age of the oldest change not yet applied), not a sum
 * over a window: the window only has to hold the report. A report older than {@code staleAfter} is
 * no data, whatever it said, because a stream that stopped reporting may be stuck far behind. The
 * age is measured on the control store's clock, the one that stamped the report.
 */
public final class LagMetricProvider implements MetricProvider {

    /** The daemon reports every 2s; this many missed reports make the last one too old to trust. */
    public static final Duration STALE_AFTER = Duration.ofSeconds(10);

    private final ReopeningConnection connection;
    private final StoreDialect dialect;
    private final String schema;
    private final long migrationId;
    private final Duration staleAfter;

    /**
     * @param connections opens a connection to the database holding the control store; called
     *                    again after a failure. It may throw a {@link SafeshiftException}
     * @param dialect     the SQL of the database holding the control store
     * @param schema      the plan's {@code control.schema}
     * @param migrationId the migration's id in the control store
     * @param staleAfter  a report older than this is no data
     */
    public LagMetricProvider(Supplier<Connection> connections, StoreDialect dialect, String schema, long migrationId,
                             Duration staleAfter) {
        this.connection = new ReopeningConnection(connections);
        this.dialect = Objects.requireNonNull(dialect, "dialect");
        this.schema = StoreSchema.validName(schema);
        this.migrationId = migrationId;
        this.staleAfter = Objects.requireNonNull(staleAfter, "staleAfter");
    }

    /** A provider that reads the control store at {@code controlStore} (the plan's control endpoint). */
    public static LagMetricProvider open(Endpoint controlStore, String schema, long migrationId) {
        Objects.requireNonNull(controlStore, "controlStore");
        return new LagMetricProvider(() -> Connections.open(controlStore, "control store"),
                StoreDialects.forUrl(controlStore.url()), schema, migrationId, STALE_AFTER);
    }

    @Override
    public ProviderKind kind() {
        return ProviderKind.LAG;
    }

    @Override
    public synchronized MetricReading read(MetricQuery query) {
        if (Metric.ofPlanName(query.metric()).filter(ProviderKind.LAG.metrics()::contains).isEmpty()) {
            throw new IllegalArgumentException("the lag provider has no metric '" + query.metric() + "'; it offers "
                    + Metric.LAG.planName());
        }
        Direction direction = query.side() == Side.TARGET ? Direction.REVERSE : Direction.FORWARD;
        String stream = direction == Direction.REVERSE ? "the stream back to the source" : "the forward stream";
        String sql = "SELECT start_position, lag_millis, reported_at IS NOT NULL AS reported,"
                + " " + dialect.millisSince("reported_at") + " AS age_millis"
                + " FROM " + dialect.table(schema, "stream") + " WHERE migration_id = ? AND direction = ?";
        try (PreparedStatement select = connection.get().prepareStatement(sql)) {
            select.setLong(1, migrationId);
            select.setString(2, direction.stored());
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return MetricReading.none(stream + " is not recorded for this migration");
                }
                if (row.getString("start_position") == null) {
                    return MetricReading.none(stream + " has not started");
                }
                long lagMillis = row.getLong("lag_millis");
                boolean lagKnown = !row.wasNull();
                if (!row.getBoolean("reported") || !lagKnown) {
                    return MetricReading.none(stream + " has not reported its lag yet");
                }
                Duration age = Duration.ofMillis(Math.max(0, row.getLong("age_millis")));
                if (age.compareTo(staleAfter) > 0) {
                    return MetricReading.none(stream + " last reported its lag " + Durations.format(roundedUp(age))
                            + " ago, longer than the " + Durations.format(staleAfter) + " after which a report is"
                            + " stale: the daemon may have stopped streaming");
                }
                return MetricReading.of(lagMillis, 1, stream + " was " + Metric.Unit.MILLISECONDS.format(lagMillis)
                        + " behind " + age.toMillis() + "ms ago");
            }
        } catch (SQLException e) {
            connection.discard();
            throw new SafeshiftException(ConnectionLoss.isLoss(e) ? SafeshiftException.Kind.UNREACHABLE
                    : SafeshiftException.Kind.STATE, "could not read the stream's lag from the control store"
                    + " (schema " + schema + ", SQLState " + e.getSQLState() + "). Check that the control store is"
                    + " reachable and at the current version.", e);
        }
    }

    private static Duration roundedUp(Duration age) {
        return Duration.ofSeconds(age.toSeconds() + (age.toMillisPart() > 0 ? 1 : 0));
    }

    @Override
    public synchronized void close() {
        connection.discard();
    }


}
