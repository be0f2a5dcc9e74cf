package dev.safeshift.postgres.check.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safeshift.plan.QualifiedName;
import dev.safeshift.postgres.check.Work;
import dev.safeshift.testing.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SourceStatisticsIT {

    private static Connection source;

    @BeforeAll
    static void createTables() throws Exception {
        source = EmbeddedPostgres.connect(EmbeddedPostgres.newDatabase("stats"));
        try (Statement statement = source.createStatement()) {
            statement.execute("CREATE TABLE payments (id bigint PRIMARY KEY, amount int, note text)");
            statement.execute("INSERT INTO payments SELECT g, g % 1000, repeat('x', 50) FROM generate_series(1, 200000) g");
            statement.execute("CREATE INDEX ON payments (amount)");
            statement.execute("ANALYZE payments");
            statement.execute("CREATE TABLE \"Zahlungen ä\" (id int PRIMARY KEY)");
            statement.execute("INSERT INTO \"Zahlungen ä\" SELECT generate_series(1, 1000)");
            statement.execute("CREATE TABLE events (id int, at date NOT NULL) PARTITION BY RANGE (at)");
            statement.execute("CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')");
            statement.execute("CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')");
            statement.execute("INSERT INTO events SELECT g, date '2025-06-01' + (g % 300) FROM generate_series(1, 30000) g");
            statement.execute("ANALYZE events");
            statement.execute("CREATE TABLE empty_one (id int)");
        }
    }

    @Test
    void readsRowsAndBytesFromTheCatalog() throws Exception {
        TableStatistics payments = new SourceStatistics(source).sizeOf(new QualifiedName("public", "payments")).orElseThrow();

        assertThat(payments.rows().orElseThrow()).isEqualTo(200_000);
        assertThat(payments.heapBytes()).isGreaterThan(10_000_000);
        assertThat(payments.indexBytes()).isGreaterThan(4_000_000);
        assertThat(payments.indexes()).isEqualTo(2);
    }

    @Test
    void aTableNeverAnalysedHasNoRowCountRatherThanAGuess() throws Exception {
        TableStatistics table = new SourceStatistics(source).sizeOf(new QualifiedName("public", "Zahlungen ä")).orElseThrow();

        assertThat(table.rows()).isEmpty();
        assertThat(table.heapBytes()).isPositive();
    }

    @Test
    void aPartitionedTableIsTheSumOfItsPartitions() throws Exception {
        TableStatistics events = new SourceStatistics(source).sizeOf(new QualifiedName("public", "events")).orElseThrow();

        assertThat(events.rows().orElseThrow()).isEqualTo(30_000);
        assertThat(events.heapBytes()).isGreaterThan(1_000_000);
    }

    @Test
    void aMissingTableIsEmpty() throws Exception {
        assertThat(new SourceStatistics(source).sizeOf(new QualifiedName("public", "nowhere"))).isEmpty();
    }

    @Test
    void measuresReadingSpeedOnTheServerAndTurnsItIntoTime() throws Exception {
        SourceStatistics statistics = new SourceStatistics(source);
        TableStatistics payments = statistics.sizeOf(new QualifiedName("public", "payments")).orElseThrow();
        ReadSpeed speed = statistics.readSpeed(payments).orElseThrow();

        assertThat(speed.sampledBytes()).isEqualTo(payments.heapBytes()); // smaller than the sample limit: all of it
        assertThat(speed.bytesPerSecond()).isGreaterThan(1_000_000);

        Estimate scan = StaticCostModel.estimate(Work.FULL_SCAN, payments, Optional.of(speed)).orElseThrow();
        Estimate rewrite = StaticCostModel.estimate(Work.REWRITE, payments, Optional.of(speed)).orElseThrow();
        assertThat(scan.seconds()).isCloseTo((payments.heapBytes() + payments.toastBytes()) / speed.bytesPerSecond(),
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat(rewrite.seconds()).isGreaterThan(scan.seconds() * 3);
        assertThat(scan.low()).isLessThan(scan.seconds());
        assertThat(StaticCostModel.estimate(Work.CATALOG_ONLY, payments, Optional.of(speed))).isEmpty();
    }

    @Test
    void anEmptyTableTakesNoTime() throws Exception {
        SourceStatistics statistics = new SourceStatistics(source);
        TableStatistics empty = statistics.sizeOf(new QualifiedName("public", "empty_one")).orElseThrow();

        assertThat(statistics.readSpeed(empty)).isEmpty();
        assertThat(StaticCostModel.estimate(Work.REWRITE, empty, Optional.empty()).orElseThrow().seconds()).isZero();
    }
}
