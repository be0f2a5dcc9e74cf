package dev.safeshift.trigger;

import dev.safeshift.SafeshiftException;
import dev.safeshift.jdbc.ConnectionLoss;
import dev.safeshift.jdbc.Connections;
import dev.safeshift.plan.Durations;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.store.StoreSchema;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.function.Supplier;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * The {@code router} provider: the statements the applications ran through safeshift-jdbc's
 * routing DataSource, as its routers write them to the control store's {@code router_sample}
 * table (calls, errors and a compressed HdrHistogram of latencies in microseconds per side, query
 * pattern and reporting interval).
 *
 * <p>A window takes the samples whose interval ended in it ({@code from < interval_end <= to}):
 * windows laid end to end count each sample once, and a sample is counted whole in the window
 * where it ended. Throughput is the calls divided by the window's length.
 *
 * <p>The pattern filter is applied here, in Java, by {@link MetricQuery#matches}, so that it
 * matches the same way whatever the control store's collation does to case.
 */
public final class RouterMetricProvider implements MetricProvider {

    private final ReopeningConnection connection;
    private final String schema;
    private final long migrationId;

    /**
     * @param connections opens a connection to the database holding the control store; called
     *                    again after a failure. It may throw a {@link SafeshiftException}
     * @param schema      the plan's {@code control.schema}
     * @param migrationId the migration's id in the control store
     */
    public RouterMetricProvider(Supplier<Connection> connections, String schema, long migrationId) {
        this.connection = new ReopeningConnection(connections);
        this.schema = StoreSchema.validName(schema);
        this.migrationId = migrationId;
    }

    /** A provider that reads the control store at {@code controlStore} (the plan's control endpoint). */
    public static RouterMetricProvider open(Endpoint controlStore, String schema, long migrationId) {
        Objects.requireNonNull(controlStore, "controlStore");
        return new RouterMetricProvider(() -> Connections.open(controlStore, "control store"), schema, migrationId);
    }

    @Override
    public ProviderKind kind() {
        return ProviderKind.ROUTER;
    }

    @Override
    public synchronized MetricReading read(MetricQuery query) {
        Metric metric = metric(query);
        RouterTotals totals = new RouterTotals();
        scan(query, RouterTotals.needsLatencies(metric),
                (id, text, calls, errors, latency) -> totals.add(calls, errors, latency));
        String where = "on the " + query.side().name().toLowerCase(Locale.ROOT)
                + query.pattern().map(p -> " for patterns matching '" + shorten(p) + "'").orElse("");
        if (totals.calls() == 0) {
            return MetricReading.none("no statements recorded " + where + " in this "
                    + Durations.format(query.window()) + " window");
        }
        OptionalDouble value = totals.value(metric, query.window());
        String detail = totals.calls() + " calls, " + totals.errors() + " errors " + where;
        return new MetricReading(value, totals.calls(), detail);
    }

    @Override
    public synchronized List<PatternReading> byPattern(MetricQuery query) {
        Metric metric = metric(query);
        Map<String, RouterTotals> totals = new LinkedHashMap<>();
        Map<String, String> texts = new LinkedHashMap<>();
        scan(query, true, (id, text, calls, errors, latency) -> {
            totals.computeIfAbsent(id, k -> new RouterTotals()).add(calls, errors, latency);
            texts.putIfAbsent(id, text);
        });
        List<PatternReading> readings = new ArrayList<>();
        totals.forEach((id, t) -> readings.add(new PatternReading(id, texts.get(id), t.value(metric, query.window()),
                t.calls(), t.errors(), t.percentileMillis(99))));
        readings.sort(Comparator.comparingDouble((PatternReading r) -> r.value().orElse(Double.NEGATIVE_INFINITY))
                .reversed().thenComparing(Comparator.comparingLong(PatternReading::calls).reversed())
                .thenComparing(PatternReading::patternId));
        return readings;
    }

    @Override
    public synchronized void close() {
        connection.discard();
    }

    private static Metric metric(MetricQuery query) {
        return Metric.ofPlanName(query.metric()).filter(ProviderKind.ROUTER.metrics()::contains)
                .orElseThrow(() -> new IllegalArgumentException("the router provider has no metric '" + query.metric()
                        + "'; it offers " + String.join(", ", Arrays.stream(Metric.values())
                        .filter(ProviderKind.ROUTER.metrics()::contains).map(Metric::planName).toList())));
    }

    /** What is done with each sample row that passes the filter. */
    private interface SampleSink {
        void accept(String patternId, String pattern, long calls, long errors, Histogram latencyMicros);
    }

    private void scan(MetricQuery query, boolean withLatencies, SampleSink sink) {
        String sql = "SELECT instance, pattern_id, pattern, calls, errors" + (withLatencies ? ", latency" : "")
                + " FROM \"" + schema + "\".router_sample"
                + " WHERE migration_id = ? AND side = ? AND interval_end > ? AND interval_end <= ?";
        try (PreparedStatement select = connection.get().prepareStatement(sql)) {
            select.setLong(1, migrationId);
            select.setString(2, query.side().name());
            select.setObject(3, timestamp(query.from()));
            select.setObject(4, timestamp(query.to()));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    String id = rows.getString("pattern_id");
                    String text = rows.getString("pattern");
                    if (!query.matches(id, text)) {
                        continue;
                    }
                    Histogram latency = withLatencies ? decode(rows.getBytes("latency"), rows.getString("instance"), id)
                            : null;
                    sink.accept(id, text, rows.getLong("calls"), rows.getLong("errors"), latency);
                }
            }
        } catch (SQLException e) {
            connection.discard();
            throw new SafeshiftException(ConnectionLoss.isLoss(e) ? SafeshiftException.Kind.UNREACHABLE
                    : SafeshiftException.Kind.STATE, "could not read the routers' samples from the control store"
                    + " (schema " + schema + ", SQLState " + e.getSQLState() + "). Check that the control store is"
                    + " reachable and at the current version.", e);
        }
    }

    /** A sample's latencies, as the router encoded them; a sample that does not decode is reported, not skipped. */
    private Histogram decode(byte[] bytes, String instance, String patternId) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0);
        } catch (DataFormatException | RuntimeException e) {
            throw new SafeshiftException(SafeshiftException.Kind.STATE, "a router sample (instance '" + shorten(instance)
                    + "', pattern " + patternId + ") holds latencies that are not a compressed HdrHistogram, so this"
                    + " window cannot be read. Something other than safeshift-jdbc's router wrote it, or it was"
                    + " damaged; remove that row from " + schema + ".router_sample.", e);
        }
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }



    private static String shorten(String text) {
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }
}
