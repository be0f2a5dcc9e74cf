package dev.safeshift.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.FenceSettings;
import dev.safeshift.engine.WriteFence;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.testing.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SourceFenceIT {

    private static final QualifiedName ACCOUNTS = new QualifiedName("public", "accounts");
    private static final QualifiedName EVENTS = new QualifiedName("Sales Ops", "Events");
    private final ExecutorService writers = Executors.newCachedThreadPool();

    @AfterEach
    void stopWriters() {
        writers.shutdownNow();
    }

    private static Endpoint database(String prefix) {
        Endpoint source = EmbeddedPostgres.newDatabase(prefix);
        MoveFixture.run(source,
                "CREATE TABLE accounts (id int PRIMARY KEY, balance int)",
                "CREATE SCHEMA \"Sales Ops\"",
                "CREATE TABLE \"Sales Ops\".\"Events\" (id int, day date, PRIMARY KEY (id, day)) PARTITION BY RANGE (day)",
                "CREATE TABLE \"Sales Ops\".events_2026 PARTITION OF \"Sales Ops\".\"Events\""
                        + " FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')");
        return source;
    }

    @Test
    void everyWriterWaitsWhileFencedAndReadersDoNot() throws Exception {
        Endpoint source = database("fence_blocks");
        Future<?> insert;
        Future<?> partitionInsert;
        Future<?> truncate;
        try (WriteFence fence = SourceFence.take(source, List.of(ACCOUNTS, EVENTS), FenceSettings.DEFAULTS)) {
            assertThat(fence.attempt()).isEqualTo(1);
            insert = write(source, "INSERT INTO accounts VALUES (1, 100)");
            partitionInsert = write(source, "INSERT INTO \"Sales Ops\".events_2026 VALUES (1, '2026-06-01')");
            await().atMost(Duration.ofSeconds(10)).until(() -> waitingForLocks(source) == 2);
            assertThat(scalar(source, "SELECT count(*) FROM accounts")).as("reads go on").isZero();
            assertThat(scalar(source, "SELECT count(*) FROM \"Sales Ops\".\"Events\"")).as("reads go on").isZero();
            // (once a TRUNCATE queues behind the fence, PostgreSQL's lock queue holds that table's readers too)
            truncate = write(source, "TRUNCATE accounts");
            await().atMost(Duration.ofSeconds(10)).until(() -> waitingForLocks(source) == 3);
            Thread.sleep(300);
            assertThat(insert.isDone() || partitionInsert.isDone() || truncate.isDone()).isFalse();
            assertThat(scalar(source, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'safeshift write fence'"))
                    .as("an operator sees who holds the tables").isEqualTo(1);
        }
        insert.get(10, TimeUnit.SECONDS);
        partitionInsert.get(10, TimeUnit.SECONDS);
        truncate.get(10, TimeUnit.SECONDS);
        assertThat(scalar(source, "SELECT count(*) FROM \"Sales Ops\".\"Events\"")).isEqualTo(1);
    }

    @Test
    void aTransactionThatHoldsOnIsNamedAndWritersNeverWaitLongerThanOneAttempt() throws Exception {
        Endpoint source = database("fence_gives_up");
        FenceSettings settings = new FenceSettings(Duration.ofMillis(200), 3, Duration.ofMillis(600), Duration.ofSeconds(1));
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong longestWriteMillis = new AtomicLong();
        try (Connection holder = EmbeddedPostgres.connect(source); Statement statement = holder.createStatement()) {
            statement.execute("SET application_name = 'nightly batch'");
            holder.setAutoCommit(false);
            statement.execute("INSERT INTO accounts VALUES (0, 0)"); // not committed: holds the table

            Future<?> writer = writers.submit(() -> {
                try (Connection connection = EmbeddedPostgres.connect(source);
                     Statement insert = connection.createStatement()) {
                    for (int id = 1; writing.get(); id++) {
                        long started = System.nanoTime();
                        insert.execute("INSERT INTO \"Sales Ops\".\"Events\" VALUES (" + id + ", '2026-03-01')");
                        longestWriteMillis.accumulateAndGet((System.nanoTime() - started) / 1_000_000, Math::max);
                        Thread.sleep(5);
                    }
                }
                return null;
            });
            Thread.sleep(200);

            long started = System.nanoTime();
            SafeshiftException failure = catchThrowableOfType(SafeshiftException.class,
                    () -> SourceFence.take(source, List.of(ACCOUNTS, EVENTS), settings));
            long triedMillis = (System.nanoTime() - started) / 1_000_000;
            writing.set(false);
            writer.get(10, TimeUnit.SECONDS);

            assertThat(failure.kind()).isEqualTo(SafeshiftException.Kind.IN_USE);
            assertThat(failure.getMessage()).contains("3 attempts of 200 ms").contains("application nightly batch")
                    .contains("Nothing is fenced").doesNotContain("INSERT");
            assertThat(triedMillis).as("three attempts and two backoffs").isGreaterThanOrEqualTo(3 * 200 + 2 * 600);
            // a fence that waited until the batch ended would have held the writer for all of that
            assertThat(longestWriteMillis.get()).as("the longest a write waited").isLessThan(triedMillis / 2);
            assertThat(scalar(source, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'safeshift write fence'"))
                    .as("no session left behind").isZero();
            holder.rollback();
        }
    }

    @Test
    void takesTheFenceOnceTheHolderLetsGo() throws Exception {
        Endpoint source = database("fence_retries");
        Connection holder = EmbeddedPostgres.connect(source);
        holder.setAutoCommit(false);
        try (Statement statement = holder.createStatement()) {
            statement.execute("UPDATE accounts SET balance = 1");
            statement.execute("LOCK TABLE accounts IN ROW EXCLUSIVE MODE");
        }
        CompletableFuture<Void> release = CompletableFuture.runAsync(() -> {
            try {
                Thread.sleep(700);
                holder.commit();
                holder.close();
            } catch (InterruptedException | SQLException e) {
                throw new IllegalStateException(e);
            }
        }, writers);
        FenceSettings settings = new FenceSettings(Duration.ofMillis(200), 10, Duration.ofMillis(100), Duration.ofMillis(200));
        try (WriteFence fence = SourceFence.take(source, List.of(ACCOUNTS), settings)) {
            assertThat(fence.attempt()).isGreaterThan(1);
            release.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theFenceEndsWithItsSession() throws Exception {
        Endpoint source = database("fence_session");
        WriteFence fence = SourceFence.take(source, List.of(ACCOUNTS), FenceSettings.DEFAULTS);
        Future<?> insert = write(source, "INSERT INTO accounts VALUES (7, 7)");
        await().atMost(Duration.ofSeconds(10)).until(() -> waitingForLocks(source) == 1);

        // what happens to the fence's session when the daemon holding it is killed
        assertThat(scalar(source, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                + " WHERE application_name = 'safeshift write fence'")).isEqualTo(1);

        insert.get(10, TimeUnit.SECONDS);
        fence.close(); // lifting a fence whose session is gone says so in the log, and throws nothing
        fence.close();
        assertThat(scalar(source, "SELECT count(*) FROM accounts")).isEqualTo(1);
    }

    private Future<?> write(Endpoint source, String sql) {
        return writers.submit(() -> {
            try (Connection connection = EmbeddedPostgres.connect(source); Statement statement = connection.createStatement()) {
                statement.execute("SET application_name = 'fenced writer'");
                statement.execute(sql);
            }
            return null;
        });
    }

    private static long waitingForLocks(Endpoint source) throws SQLException {
        return scalar(source, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'fenced writer'"
                + " AND wait_event_type = 'Lock'");
    }

    private static long scalar(Endpoint source, String sql) throws SQLException {
        try (Connection connection = EmbeddedPostgres.connect(source); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
