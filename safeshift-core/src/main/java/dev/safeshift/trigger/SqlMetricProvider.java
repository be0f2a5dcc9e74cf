package dev.safeshift.trigger;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.Side;
import dev.safeshift.jdbc.ConnectionLoss;
import dev.safeshift.jdbc.Connections;
import dev.safeshift.plan.Endpoint;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;

/**
 * The {@code sql} provider: the trigger's own SQL query, run on the side being read (the source
 * for the baseline, the target after cutover), as the plan's user of that side. The query returns
 * one row: its column {@code value}, or else its first column, is the metric's value in the
 * metric's unit, and an optional column {@code samples} says how many observations the value rests
 * on (1 without it). A NULL value is no data, never 0.
 *
 * <p>The query runs in a read-only transaction on a connection whose transactions default to
 * read-only, with a statement timeout, so that a slow query cannot hold up the daemon's loop and a
 * mistaken one cannot write. That is a safety net, not a sandbox: the query runs with the plan's
 * privileges on that database.
 *
 * <p>{@value #WINDOW_SECONDS} in the query is replaced by the window's length in whole seconds, a
 * number and nothing else, so a query can read "the last window" from its own clock, such as
 * {@code now() - interval '1 second' * {window_seconds}}.
 */
public final class SqlMetricProvider implements MetricProvider {

    /** Replaced by the window's length in whole seconds before the query runs. */
    public static final String WINDOW_SECONDS = "{window_seconds}";
    /** How long one evaluation's query may run; the daemon's loop waits for it. */
    public static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(5);
    /** How long connecting may take before the evaluation gives up and is inconclusive. */
    private static final int CONNECT_TIMEOUT_SECONDS = 5;

    private final Function<Side, Connection> connections;
    private final Duration statementTimeout;
    private final Map<Side, Connection> open = new EnumMap<>(Side.class);

    /**
     * @param connections      opens a connection to the database of a side, made read-only and with a
     *                         statement timeout by the caller or not; called again after a failure. It
     *                         may throw a {@link SafeshiftException}
     * @param statementTimeout how long a query may run
     */
    public SqlMetricProvider(Function<Side, Connection> connections, Duration statementTimeout) {
        this.connections = Objects.requireNonNull(connections, "connections");
        this.statementTimeout = Objects.requireNonNull(statementTimeout, "statementTimeout");
        if (statementTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("a statement timeout is at least 1ms, not " + statementTimeout);
        }
    }

    /** A provider running its queries on {@code source} and {@code target}, the plan's endpoints. */
    public static SqlMetricProvider open(Endpoint source, Endpoint target) {
        return open(source, target, STATEMENT_TIMEOUT);
    }

    /** As {@link #open(Endpoint, Endpoint)}, with queries cut off after {@code statementTimeout}. */
    static SqlMetricProvider open(Endpoint source, Endpoint target, Duration statementTimeout) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        return new SqlMetricProvider(side -> Connections.open(side == Side.SOURCE ? source : target, sideName(side),
                sessionSettings(statementTimeout)), statementTimeout);
    }

    /** Read-only by default and a statement timeout for the whole session, whatever the query does to its transaction. */
    private static Properties sessionSettings(Duration statementTimeout) {
        Properties properties = new Properties();
        properties.setProperty("options", "-c default_transaction_read_only=on -c statement_timeout="
                + statementTimeout.toMillis());
        properties.setProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS));
        properties.setProperty("ApplicationName", "safeshift trigger");
        return properties;
    }

    @Override
    public ProviderKind kind() {
        return ProviderKind.SQL;
    }

    @Override
    public synchronized MetricReading read(MetricQuery query) {
        Metric metric = metric(query);
        String sql = query.providerQuery().orElseThrow(() -> new IllegalArgumentException(
                "the sql provider runs the trigger's query, and this " + metric.planName() + " trigger has none"));
        String text = withWindow(sql, query.window());
        String where = "on the " + sideName(query.side());
        Connection connection = connection(query.side());
        try {
            connection.setAutoCommit(false);
            connection.setReadOnly(true);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET TRANSACTION READ ONLY");
                statement.execute("SET LOCAL statement_timeout = " + statementTimeout.toMillis());
                // The server's timeout is the one that counts; this one is for a server that does not answer at all.
                statement.setQueryTimeout((int) Math.max(1, statementTimeout.toSeconds() * 2));
                statement.setMaxRows(2);
                try (ResultSet rows = statement.executeQuery(text)) {
                    return reading(rows, where);
                }
            } finally {
                connection.rollback();
            }
        } catch (SQLException e) {
            discard(query.side());
            throw new SafeshiftException(ConnectionLoss.isLoss(e) ? SafeshiftException.Kind.UNREACHABLE
                    : SafeshiftException.Kind.STATE, "the trigger's sql query failed " + where + ": "
                    + firstLine(e.getMessage()) + (e.getSQLState() == null ? "" : " (SQLState " + e.getSQLState() + ")")
                    + ". " + advice(e), e);
        }
    }

    /** The one row's value and samples; anything else the query returned is a mistake in it, said plainly. */
    private static MetricReading reading(ResultSet rows, String where) throws SQLException {
        if (!rows.next()) {
            throw mistake("returned no row " + where + "; it must return exactly one, as an aggregate does"
                    + " (select avg(...) as value ...)");
        }
        ResultSetMetaData columns = rows.getMetaData();
        int valueColumn = column(columns, "value").orElse(1);
        Optional<Integer> samplesColumn = column(columns, "samples");
        if (samplesColumn.isPresent() && samplesColumn.get() == valueColumn) {
            throw mistake("returns a samples column but no value column; name the value's column value");
        }
        Object value = rows.getObject(valueColumn);
        Object samples = samplesColumn.isPresent() ? rows.getObject(samplesColumn.get()) : null;
        if (rows.next()) {
            throw mistake("returned more than one row " + where + "; it must return exactly one, as an aggregate"
                    + " does, or a single row picked with order by ... limit 1");
        }
        String valueName = columns.getColumnLabel(valueColumn);
        if (value == null) {
            return MetricReading.none("the query's " + valueName + " is NULL " + where);
        }
        double number = number(value, valueName, columns.getColumnTypeName(valueColumn));
        if (!Double.isFinite(number)) {
            return MetricReading.none("the query's " + valueName + " is " + value + " " + where);
        }
        long count = 1;
        if (samplesColumn.isPresent()) {
            if (samples == null) {
                return MetricReading.none("the query's samples is NULL " + where);
            }
            count = sampleCount(samples, columns.getColumnTypeName(samplesColumn.get()));
        }
        return MetricReading.of(number, count, "the query's " + valueName + " " + where
                + (samplesColumn.isPresent() ? ", " + count + " samples" : ""));
    }

    private static double number(Object value, String name, String type) {
        if (value instanceof Number number) {
            return number.doubleValue();
        }
        throw mistake("returns its value in column " + name + " as " + type + ", not a number; return a number in"
                + " the metric's unit" + (type.toLowerCase(Locale.ROOT).contains("interval")
                ? ", such as extract(epoch from ...) * 1000 for milliseconds" : ""));
    }

    private static long sampleCount(Object samples, String type) {
        if (!(samples instanceof Number number)) {
            throw mistake("returns its samples as " + type + ", not a number; return a count, such as count(*) as"
                    + " samples");
        }
        BigDecimal count = new BigDecimal(number.toString());
        if (count.signum() < 0 || count.stripTrailingZeros().scale() > 0) {
            throw mistake("returns samples " + number + "; samples is a whole number, 0 or more, such as count(*)");
        }
        try {
            return count.longValueExact();
        } catch (ArithmeticException e) {
            throw mistake("returns samples " + number + ", more than can be counted");
        }
    }

    private static Optional<Integer> column(ResultSetMetaData columns, String name) throws SQLException {
        for (int i = 1; i <= columns.getColumnCount(); i++) {
            if (columns.getColumnLabel(i).equalsIgnoreCase(name)) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    private static SafeshiftException mistake(String what) {
        return new SafeshiftException(SafeshiftException.Kind.STATE, "the trigger's sql query " + what
                + ". Fix the trigger's query in the plan.");
    }

    /** The query with {@value #WINDOW_SECONDS} replaced by the window's length: a number, so nothing can be injected. */
    static String withWindow(String sql, Duration window) {
        return sql.replace(WINDOW_SECONDS, Long.toString(Math.max(1, window.toSeconds())));
    }

    private String advice(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.equals("57014")) {
            return "The query ran longer than " + statementTimeout.toMillis() + "ms, the most an evaluation waits"
                    + " for it; make it cheaper";
        }
        if (state.equals("25006")) {
            return "The query runs read-only; make it one that only reads";
        }
        if (state.startsWith("42")) {
            return "Fix the trigger's query in the plan";
        }
        if (ConnectionLoss.isLoss(e)) {
            return "Check that the database is reachable";
        }
        return "Check the trigger's query in the plan";
    }

    private static String sideName(Side side) {
        return side.label();
    }

    private static Metric metric(MetricQuery query) {
        return Metric.ofPlanName(query.metric()).filter(ProviderKind.SQL.metrics()::contains)
                .orElseThrow(() -> new IllegalArgumentException("the sql provider has no metric '" + query.metric()
                        + "'; it offers " + String.join(", ", ProviderKind.SQL.metrics().stream().sorted()
                        .map(Metric::planName).toList())));
    }

    private Connection connection(Side side) {
        Connection connection = open.get(side);
        if (connection == null) {
            connection = connections.apply(side);
            open.put(side, connection);
        }
        return connection;
    }

    private void discard(Side side) {
        Connection connection = open.remove(side);
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // it is being given up; the next read opens a new one
            }
        }
    }

    @Override
    public synchronized void close() {
        for (Side side : Side.values()) {
            discard(side);
        }
    }

    private static String firstLine(String message) {
        if (message == null || message.isBlank()) {
            return "no detail from the database";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
