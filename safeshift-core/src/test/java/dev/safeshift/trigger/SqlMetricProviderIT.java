package dev.safeshift.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.Side;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.testing.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sql provider running its queries on two real databases, the source and the target. */
class SqlMetricProviderIT {

    private static final Instant TO = Instant.parse("2030-01-01T12:00:00Z");
    private static final Instant FROM = TO.minus(Duration.ofMinutes(1));

    private Endpoint source;
    private Endpoint target;
    private SqlMetricProvider provider;

    @BeforeEach
    void createDatabases() throws SQLException {
        source = EmbeddedPostgres.newDatabase("sql_metrics_source");
        target = EmbeddedPostgres.newDatabase("sql_metrics_target");
        execute(source, "CREATE TABLE call_stats (mean_ms numeric, calls bigint)",
                "INSERT INTO call_stats VALUES (12.5, 300)");
        execute(target, "CREATE TABLE call_stats (mean_ms numeric, calls bigint)",
                "INSERT INTO call_stats VALUES (40, 120)");
        provider = SqlMetricProvider.open(source, target);
    }

    @AfterEach
    void close() {
        provider.close();
    }

    private static void execute(Endpoint database, String... statements) throws SQLException {
        try (Connection connection = EmbeddedPostgres.connect(database);
             Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private static MetricQuery query(Side side, String sql) {
        return query(Metric.LATENCY_P95, side, sql);
    }

    private static MetricQuery query(Metric metric, Side side, String sql) {
        return new MetricQuery(metric.planName(), Optional.empty(), side, FROM, TO, Optional.of(sql));
    }

    @Test
    void runsTheQueryOnTheSideBeingRead() {
        String sql = "select mean_ms as value, calls as samples from call_stats";

        MetricReading baseline = provider.read(query(Side.SOURCE, sql));
        MetricReading afterCutover = provider.read(query(Side.TARGET, sql));

        assertThat(baseline.value()).hasValue(12.5);
        assertThat(baseline.samples()).isEqualTo(300);
        assertThat(baseline.detail()).isEqualTo("the query's value on the source, 300 samples");
        assertThat(afterCutover.value()).hasValue(40.0);
        assertThat(afterCutover.samples()).isEqualTo(120);
        assertThat(afterCutover.detail()).isEqualTo("the query's value on the target, 120 samples");
    }

    @Test
    void withoutAValueColumnTheFirstColumnIsTheValueAndItCountsAsOneSample() {
        MetricReading reading = provider.read(query(Side.TARGET, "select calls * 2, 'ignored' as note from call_stats"));

        assertThat(reading.value()).hasValue(240.0);
        assertThat(reading.samples()).isEqualTo(1);
    }

    @Test
    void theValueColumnNeedNotComeFirst() {
        MetricReading reading = provider.read(query(Side.TARGET,
                "select calls as samples, 'x' as note, mean_ms::float8 as \"VALUE\" from call_stats"));

        assertThat(reading.value()).hasValue(40.0);
        assertThat(reading.samples()).isEqualTo(120);
    }

    @Test
    void theWindowsLengthIsGivenAsANumberOfSeconds() {
        MetricReading reading = provider.read(query(Metric.THROUGHPUT, Side.TARGET,
                "select calls / {window_seconds}.0 as value from call_stats where {window_seconds} = 60"));

        assertThat(reading.value()).hasValue(2.0);
    }

    @Test
    void aNullValueIsNoDataNotZero() {
        MetricReading reading = provider.read(query(Side.TARGET,
                "select avg(mean_ms) as value, count(*) as samples from call_stats where calls > 1000"));

        assertThat(reading.value()).isEmpty();
        assertThat(reading.detail()).isEqualTo("the query's value is NULL on the target");
    }

    @Test
    void aNullSampleCountIsNoData() {
        MetricReading reading = provider.read(query(Side.TARGET, "select 1 as value, null::bigint as samples"));

        assertThat(reading.value()).isEmpty();
        assertThat(reading.detail()).contains("samples is NULL");
    }

    @Test
    void notANumberIsNoData() {
        MetricReading reading = provider.read(query(Side.TARGET, "select 'NaN'::float8 as value"));

        assertThat(reading.value()).isEmpty();
        assertThat(reading.detail()).isEqualTo("the query's value is NaN on the target");
    }

    @Test
    void moreThanOneRowIsAMistakeInTheQuery() {
        assertThatThrownBy(() -> provider.read(query(Side.TARGET, "select * from generate_series(1, 5) as value")))
                .isInstanceOf(SafeshiftException.class)
                .hasMessage("the trigger's sql query returned more than one row on the target; it must return exactly"
                        + " one, as an aggregate does, or a single row picked with order by ... limit 1. Fix the"
                        + " trigger's query in the plan.");
    }

    @Test
    void noRowIsAMistakeInTheQuery() {
        assertThatThrownBy(() -> provider.read(query(Side.TARGET, "select mean_ms as value from call_stats where false")))
                .isInstanceOf(SafeshiftException.class)
                .hasMessageStartingWith("the trigger's sql query returned no row on the target; it must return exactly"
                        + " one");
    }

    @Test
    void aValueThatIsNotANumberIsRefusedWithAHint() {
        assertThatThrownBy(() -> provider.read(query(Side.TARGET, "select interval '2 seconds' as value")))
                .isInstanceOf(SafeshiftException.class)
                .hasMessage("the trigger's sql query returns its value in column value as interval, not a number;"
                        + " return a number in the metric's unit, such as extract(epoch from ...) * 1000 for"
                        + " milliseconds. Fix the trigger's query in the plan.");
        assertThatThrownBy(() -> provider.read(query(Side.TARGET, "select 'high' as value")))
                .hasMessageContaining("returns its value in column value as text, not a number");
    }

    @Test
    void aSampleCountMustBeAWholeNumber() {
        assertThatThrownBy(() -> provider.read(query(Side.TARGET, "select 1 as value, 2.5 as samples")))
                .isInstanceOf(SafeshiftException.class)
                .hasMessageContaining("returns samples 2.5; samples is a whole number, 0 or more");
        assertThat(provider.read(query(Side.TARGET, "select 1 as value, 20.0 as samples")).samples()).isEqualTo(20);
    }

    @Test
    void anErrorInTheQueryIsReportedWithTheDatabasesMessageAndTheNextReadWorks() {
        assertThatThrownBy(() -> provider.read(query(Side.TARGET, "select value from no_such_table")))
                .isInstanceOfSatisfying(SafeshiftException.class,
                        e -> assertThat(e.kind()).isEqualTo(SafeshiftException.Kind.STATE))
                .hasMessageStartingWith("the trigger's sql query failed on the target: ERROR: relation")
                .hasMessageContaining("no_such_table")
                .hasMessageEndingWith("(SQLState 42P01). Fix the trigger's query in the plan");

        assertThat(provider.read(query(Side.TARGET, "select mean_ms as value from call_stats")).value()).hasValue(40.0);
    }

    @Test
    void theQueryCannotWrite() throws SQLException {
        assertThatThrownBy(() -> provider.read(query(Side.TARGET,
                "with gone as (delete from call_stats returning 1) select count(*) as value from gone")))
                .isInstanceOf(SafeshiftException.class)
                .hasMessageContaining("(SQLState 25006). The query runs read-only; make it one that only reads");
        assertThatThrownBy(() -> provider.read(query(Side.TARGET,
                "commit; delete from call_stats; select 1 as value")))
                .as("not even after ending the read-only transaction")
                .isInstanceOf(SafeshiftException.class);

        try (Connection connection = EmbeddedPostgres.connect(target);
             Statement statement = connection.createStatement();
             var rows = statement.executeQuery("select count(*) from call_stats")) {
            rows.next();
            assertThat(rows.getLong(1)).isEqualTo(1);
        }
    }

    @Test
    void aSlowQueryIsCutOffByTheStatementTimeout() {
        try (SqlMetricProvider impatient = SqlMetricProvider.open(source, target, Duration.ofMillis(300))) {
            long started = System.nanoTime();
            assertThatThrownBy(() -> impatient.read(query(Side.TARGET, "select 1 as value from pg_sleep(5)")))
                    .isInstanceOf(SafeshiftException.class)
                    .hasMessageContaining("(SQLState 57014). The query ran longer than 300ms, the most an evaluation"
                            + " waits for it; make it cheaper");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void anUnreachableDatabaseIsReported() {
        Endpoint nowhere = Endpoint.of("jdbc:postgresql://127.0.0.1:1/none", "postgres");
        try (SqlMetricProvider unreachable = SqlMetricProvider.open(source, nowhere)) {
            assertThatThrownBy(() -> unreachable.read(query(Side.TARGET, "select 1 as value")))
                    .isInstanceOfSatisfying(SafeshiftException.class,
                            e -> assertThat(e.kind()).isEqualTo(SafeshiftException.Kind.UNREACHABLE))
                    .hasMessageContaining("target");
            assertThat(unreachable.read(query(Side.SOURCE, "select 1 as value")).value()).hasValue(1.0);
        }
    }

    @Test
    void offersTheStatementMetricsButNotTheStreamsLag() {
        assertThat(provider.kind()).isEqualTo(ProviderKind.SQL);
        assertThatThrownBy(() -> provider.read(query(Metric.LAG, Side.TARGET, "select 1 as value")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the sql provider has no metric 'lag'; it offers error_rate,");
        assertThatThrownBy(() -> provider.read(new MetricQuery("error_rate", Optional.empty(), Side.TARGET, FROM, TO)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has none");
    }
}
