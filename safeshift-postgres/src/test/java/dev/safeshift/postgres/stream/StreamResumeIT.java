package dev.safeshift.postgres.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.safeshift.engine.TableMove;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.testing.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StreamResumeIT {

    private static final Duration PATIENCE = Duration.ofMinutes(4);
    private static final String TABLE = "(id integer PRIMARY KEY, n bigint NOT NULL, note text)";

    @Test
    void resumesAfterStopMidwayWithoutDuplicatesOrLoss() throws Exception {
        try (StreamFixture db = new StreamFixture("resume")) {
            db.source("CREATE SCHEMA app", "CREATE TABLE app.counter " + TABLE);
            db.target("CREATE TABLE app_counter " + TABLE);
            db.createCapture("app.counter");
            TableMove move = db.move("app", "counter", new QualifiedName("public", "app_counter"));

            AtomicLong changes = new AtomicLong();
            changes.addAndGet(update(db, "INSERT INTO app.counter SELECT g, 0, 'seed' FROM generate_series(1, 100) g"));
            int operations = 2500;
            AtomicBoolean writing = new AtomicBoolean(true);
            PositionWatch watch = new PositionWatch(db);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try (Connection connection = EmbeddedPostgres.connect(db.source); Statement statement = connection.createStatement()) {
                    for (int k = 1; k <= operations; k++) {
                        changes.addAndGet(statement.executeUpdate(operation(k)));
                        Thread.sleep(3); // a steady stream of writes, so the first stream stops in the middle
                    }
                } catch (SQLException | InterruptedException e) {
                    throw new IllegalStateException(e);
                } finally {
                    writing.set(false);
                }
            });

            try (PostgresChangeStream first = new PostgresChangeStream(db.source, db.target, db.captureName, List.of(move))) {
                first.start();
                await().atMost(PATIENCE).until(() -> first.failure().isPresent() || first.progress().eventsApplied() > 400);
                assertThat(first.failure()).isEmpty();
            }
            assertThat(db.slotActive()).as("slot released after close").isFalse();
            long afterFirst = db.appliedPosition().orElseThrow()[2];
            assertThat(writing.get()).as("the writer is still going when the first stream stops").isTrue();

            try (PostgresChangeStream second = new PostgresChangeStream(db.source, db.target, db.captureName, List.of(move))) {
                second.start();
                writer.get();
                PostgresChangeStreamIT.awaitSame(db, second, "app.counter", "public.app_counter");
                await().atMost(PATIENCE).until(() -> db.appliedPosition().orElseThrow()[2] == changes.get());
                assertThat(second.progress().eventsApplied()).isEqualTo(changes.get() - afterFirst);
            } finally {
                watch.stop();
            }
            assertThat(db.appliedPosition().orElseThrow()[2]).as("every change applied exactly once").isEqualTo(changes.get());
            watch.assertNeverWentBack();
        }
    }

    @Test
    void transactionsReplayedFromTheSlotAreNotAppliedTwice() {
        try (StreamFixture db = new StreamFixture("replay")) {
            db.source("CREATE SCHEMA app", "CREATE TABLE app.counter " + TABLE);
            db.target("CREATE TABLE app_counter " + TABLE);
            db.createCapture("app.counter");
            // a copy of the slot at its start lets the test rewind the capture, as a crash before
            // the slot was confirmed would
            String rewind = db.captureName + "_rewind";
            db.source("SELECT pg_copy_logical_replication_slot('" + db.captureName + "', '" + rewind + "')");
            TableMove move = db.move("app", "counter", new QualifiedName("public", "app_counter"));

            long firstChanges = update(db, "INSERT INTO app.counter SELECT g, 0, 'one' FROM generate_series(1, 300) g")
                    + update(db, "UPDATE app.counter SET n = n + 1 WHERE id <= 100")
                    + update(db, "DELETE FROM app.counter WHERE id > 250");
            db.sourceTransaction("UPDATE app.counter SET n = 10 WHERE id = 1", "UPDATE app.counter SET n = 11 WHERE id = 2");
            firstChanges += 2;
            long expectedFirst = firstChanges;
            try (PostgresChangeStream first = new PostgresChangeStream(db.source, db.target, db.captureName, List.of(move))) {
                first.start();
                await().atMost(PATIENCE).until(() -> first.failure().isPresent()
                        || db.appliedPosition().map(p -> p[2] == expectedFirst).orElse(false));
                assertThat(first.failure()).isEmpty();
            }

            db.source("SELECT pg_drop_replication_slot('" + db.captureName + "')",
                    "SELECT pg_copy_logical_replication_slot('" + rewind + "', '" + db.captureName + "')",
                    "SELECT pg_drop_replication_slot('" + rewind + "')");
            long secondChanges = update(db, "UPDATE app.counter SET n = n + 100, note = 'two' WHERE id % 2 = 0")
                    + update(db, "INSERT INTO app.counter VALUES (1000, 1, 'new')");

            try (PostgresChangeStream second = new PostgresChangeStream(db.source, db.target, db.captureName, List.of(move))) {
                second.start();
                PostgresChangeStreamIT.awaitSame(db, second, "app.counter", "public.app_counter");
                await().atMost(PATIENCE).until(() -> second.progress().eventsApplied() >= secondChanges);
                assertThat(second.progress().eventsApplied()).as("only the new changes").isEqualTo(secondChanges);
                assertThat(db.appliedPosition().orElseThrow()[2]).isEqualTo(firstChanges + secondChanges);
            }
        }
    }

    @Test
    void recoversWhenTheSourceConnectionIsCutWhileALargeTransactionIsApplied() {
        try (StreamFixture db = new StreamFixture("cut")) {
            db.source("CREATE SCHEMA app", "CREATE TABLE app.counter " + TABLE);
            db.target("CREATE TABLE app_counter " + TABLE);
            db.createCapture("app.counter");
            TableMove move = db.move("app", "counter", new QualifiedName("public", "app_counter"));
            try (PostgresChangeStream stream = new PostgresChangeStream(db.source, db.target, db.captureName, List.of(move))) {
                stream.start();
                long changes = update(db, "INSERT INTO app.counter SELECT g, 0, 'small' FROM generate_series(1, 10) g");
                await().atMost(PATIENCE).until(() -> stream.failure().isPresent() || stream.progress().eventsApplied() == 10);
                // one source transaction much larger than a Debezium batch
                changes += update(db, "INSERT INTO app.counter SELECT g, 1, repeat('large ', 200) FROM generate_series(11, 30010) g");
                // once part of it sits in the open target transaction, cut the source connection, as a
                // network failure or a restarted server process would
                // (uncommitted rows already take space in the target table)
                await().atMost(PATIENCE).pollInterval(Duration.ofMillis(20)).until(() -> StreamFixture.count(db.target,
                        "SELECT pg_relation_size('app_counter')") > 2_000_000);
                db.source("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '"
                        + db.captureName + "'");

                PostgresChangeStreamIT.awaitSame(db, stream, "app.counter", "public.app_counter");
                long expected = changes;
                await().atMost(PATIENCE).until(() -> db.appliedPosition().orElseThrow()[2] == expected);
                assertThat(stream.progress().eventsApplied()).isEqualTo(changes);
                assertThat(stream.isRunning()).isTrue();
            }
        }
    }

    /** A mix of single-row and multi-row transactions, inserts, updates and deletes. */
    private static String operation(int k) {
        if (k % 10 == 0) {
            int from = (k / 10) % 95 + 1;
            return "UPDATE app.counter SET n = n + 1 WHERE id BETWEEN " + from + " AND " + (from + 4);
        }
        if (k % 10 == 5) {
            return "INSERT INTO app.counter VALUES (" + (1000 + k) + ", 0, 'new')";
        }
        if (k % 10 == 7) {
            return "DELETE FROM app.counter WHERE id = " + (1000 + k - 2);
        }
        return "UPDATE app.counter SET n = n + 1, note = 'op " + k + "' WHERE id = " + (k % 100 + 1);
    }

    private static long update(StreamFixture db, String sql) {
        try (Connection connection = EmbeddedPostgres.connect(db.source); Statement statement = connection.createStatement()) {
            return statement.executeUpdate(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Samples the applied position in the background to check it only ever moves forward. */
    private static final class PositionWatch {
        private final List<long[]> samples = new CopyOnWriteArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        PositionWatch(StreamFixture db) {
            thread = new Thread(() -> {
                while (running.get()) {
                    db.appliedPosition().ifPresent(samples::add);
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join();
        }

        void assertNeverWentBack() {
            assertThat(samples).hasSizeGreaterThan(2);
            for (int i = 1; i < samples.size(); i++) {
                assertThat(samples.get(i)[0]).as("commit position").isGreaterThanOrEqualTo(samples.get(i - 1)[0]);
                assertThat(samples.get(i)[2]).as("events applied").isGreaterThanOrEqualTo(samples.get(i - 1)[2]);
            }
        }
    }
}
