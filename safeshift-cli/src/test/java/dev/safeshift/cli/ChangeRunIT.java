package dev.safeshift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.testing.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * safeshift run applying a change online, the classic case: a CHECK constraint on a 2,000,000-row
 * table while an application keeps writing, and a long transaction holds a lock the change needs.
 * Every write's latency is measured; none may wait longer than the plan's apply.max-write-wait.
 */
class ChangeRunIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_WRITE_WAIT_MILLIS = 2_000;

    @TempDir
    Path directory;

    @Test
    void appliesTheCheckConstraintOnlineWhileWritesContinueWithinTheLimit() throws Exception {
        Endpoint source = EmbeddedPostgres.newDatabase("apply");
        Databases.sql(source,
                "CREATE TABLE payments (id bigint PRIMARY KEY, amount int NOT NULL, note varchar(10))",
                "INSERT INTO payments SELECT g, g % 1000, 'n' FROM generate_series(1, 2000000) g",
                "ANALYZE payments");
        Path plan = directory.resolve("plan.yaml");
        Files.writeString(plan, "name: payments_online\n"
                + "source:\n  url: " + source.url() + "\n  user: postgres\n"
                + "tables:\n  - source: public.payments\n"
                + "change:\n"
                + "  - ALTER TABLE payments ADD CONSTRAINT amount_nonnegative CHECK (amount >= 0);\n"
                + "  - CREATE INDEX payments_note ON payments (note);\n"
                + "apply:\n  max-write-wait: 2s\n");

        Application writer = new Application(source, "INSERT INTO payments VALUES (?, 1, 'w')", 3_000_000, 2_000_000);

        // A long transaction reading the table: the constraint's brief ACCESS EXCLUSIVE cannot be had until it ends,
        // 3 s after the change first asks for the lock (longer than one lock timeout, so the step must retry).
        Connection reader = EmbeddedPostgres.connect(source);
        reader.setAutoCommit(false);
        try (Statement statement = reader.createStatement()) {
            statement.executeQuery("SELECT count(*) FROM payments WHERE id = 1").close();
        }
        Thread release = new Thread(() -> {
            try (Connection watcher = EmbeddedPostgres.connect(source);
                 PreparedStatement waiting = watcher.prepareStatement("SELECT count(*) FROM pg_locks "
                         + "WHERE relation = 'payments'::regclass AND mode = 'AccessExclusiveLock' AND NOT granted")) {
                long deadline = System.nanoTime() + 120_000_000_000L;
                while (System.nanoTime() < deadline) {
                    try (ResultSet rs = waiting.executeQuery()) {
                        rs.next();
                        if (rs.getInt(1) > 0) {
                            break;
                        }
                    }
                    Thread.sleep(20);
                }
                Thread.sleep(3_000);
                reader.commit();
                reader.close();
            } catch (Exception e) {
                writer.failure.compareAndSet(null, e);
            }
        }, "long-transaction");
        release.start();

        long writesBefore = writer.writes.get();
        CommandRun run = CommandRun.of("run", plan.toString());
        long writesDuring = writer.writes.get() - writesBefore;
        writer.close();
        release.join(10_000);

        System.err.printf("change applied online: %d writes during the run, the slowest took %d ms (limit %d ms)%n",
                writesDuring, writer.slowestMillis.get(), MAX_WRITE_WAIT_MILLIS);
        assertThat(writer.failure.get()).isNull();
        assertThat(run.exitCode()).as(run.stdout()).isZero();
        assertThat(run.stdout()).contains("waited").contains("trying again").contains("The change is applied");
        assertThat(writesDuring).as("writes went on while the change was applied").isGreaterThan(100);
        assertThat(writer.slowestMillis.get()).as("the slowest write, in ms").isLessThanOrEqualTo(MAX_WRITE_WAIT_MILLIS);

        assertThat(Databases.scalar(source, "SELECT convalidated FROM pg_constraint WHERE conname = 'amount_nonnegative'"))
                .isEqualTo("t");
        assertThat(Databases.scalar(source, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'payments_note'::regclass"))
                .isEqualTo("t");

        List<JsonNode> done = timeline(source, "change-step-done");
        assertThat(done).extracting(d -> d.get("sql").asText()).containsExactly(
                "ALTER TABLE \"public\".\"payments\" ADD CONSTRAINT amount_nonnegative CHECK (amount >= 0) NOT VALID",
                "ALTER TABLE \"public\".\"payments\" VALIDATE CONSTRAINT \"amount_nonnegative\"",
                "CREATE INDEX CONCURRENTLY \"payments_note\" ON payments (note)");
        assertThat(done.get(0).get("attempts").asInt()).as("the first step retried past the long transaction")
                .isGreaterThan(1);

        // Run again: every step is on the timeline as done, so nothing runs.
        CommandRun again = CommandRun.of("run", plan.toString());
        assertThat(again.exitCode()).isZero();
        assertThat(again.stdout()).contains("already applied");
        assertThat(timeline(source, "change-step-done")).hasSize(3);

        CommandRun status = CommandRun.of("status", plan.toString());
        assertThat(status.exitCode()).isZero();
        assertThat(status.stdout()).contains("Applied steps:")
                .contains("done    statement 1 step 1 of 2: add the constraint without checking existing rows")
                .contains("done    statement 2 step 1 of 1").contains("Rehearsal: none yet");
    }

    @Test
    void fillsANewColumnWithAVolatileDefaultInBatchesWhileWritesContinue() throws Exception {
        Endpoint source = EmbeddedPostgres.newDatabase("fill");
        Databases.sql(source,
                "CREATE TABLE payments (id bigint PRIMARY KEY, amount int NOT NULL)",
                "INSERT INTO payments SELECT g, g % 1000 FROM generate_series(1, 150000) g",
                "ANALYZE payments");
        Path plan = directory.resolve("fill.yaml");
        Files.writeString(plan, "name: payments_token\n"
                + "source:\n  url: " + source.url() + "\n  user: postgres\n"
                + "tables:\n  - source: public.payments\n"
                + "change:\n  - ALTER TABLE payments ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();\n"
                + "apply:\n  max-write-wait: 1s\n");
        // As written, the statement rewrites the table under ACCESS EXCLUSIVE: check says so, run does not do it.
        CommandRun check = CommandRun.of("check", plan.toString());
        assertThat(check.stdout()).contains("adding-field-with-default");

        Application writer = new Application(source, "INSERT INTO payments (id, amount) VALUES (?, 1)", 1_000_000, 150_000);
        CommandRun run = CommandRun.of("run", plan.toString());
        writer.close();

        assertThat(writer.failure.get()).isNull();
        assertThat(run.exitCode()).as(run.stdout()).isZero();
        assertThat(run.stdout()).contains("rows filled, done");
        assertThat(writer.writes.get()).as("writes went on while the column was filled").isGreaterThan(100);
        assertThat(writer.slowestMillis.get()).as("the slowest write, in ms").isLessThanOrEqualTo(1_000);
        assertThat(Databases.scalar(source, "SELECT count(*) FILTER (WHERE token IS NULL) || '/' "
                + "|| (count(*) - count(DISTINCT token)) FROM payments")).as("no row without a token, none shared")
                .isEqualTo("0/0");
        assertThat(Databases.scalar(source, "SELECT count(*) > 150000 FROM payments")).isEqualTo("t");
        assertThat(Databases.scalar(source, "SELECT attnotnull FROM pg_attribute WHERE attrelid = 'payments'::regclass "
                + "AND attname = 'token'")).isEqualTo("t");
        assertThat(timeline(source, "change-step-done")).extracting(d -> d.get("purpose").asText())
                .anyMatch(purpose -> purpose.startsWith("fill token of the existing rows")).hasSize(7);
    }

    @Test
    void refusesAStatementWithNoOnlineFormThatWouldBlockWritesLongerThanTheLimit() throws Exception {
        Endpoint source = EmbeddedPostgres.newDatabase("refuse");
        Databases.sql(source,
                "CREATE TABLE payments (id bigint PRIMARY KEY, amount int NOT NULL)",
                "INSERT INTO payments SELECT g, g % 1000 FROM generate_series(1, 2000000) g",
                "ANALYZE payments");
        Path plan = directory.resolve("refuse.yaml");
        Files.writeString(plan, "name: payments_retype\n"
                + "source:\n  url: " + source.url() + "\n  user: postgres\n"
                + "tables:\n  - source: public.payments\n"
                + "change:\n  - ALTER TABLE payments ADD COLUMN note text;\n"
                + "  - ALTER TABLE payments ALTER COLUMN amount TYPE bigint;\n"
                + "apply:\n  max-write-wait: 1s\n");

        CommandRun run = CommandRun.of("run", plan.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(Databases.scalar(source, "SELECT count(*) FROM pg_attribute WHERE attrelid = 'payments'::regclass "
                + "AND attname = 'note'")).as("nothing was applied, not even the harmless first statement").isEqualTo("0");
        assertThat(Databases.scalar(source, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                + "WHERE attrelid = 'payments'::regclass AND attname = 'amount'")).isEqualTo("integer");
    }

    @Test
    void resumesAfterARunThatStoppedInTheMiddleOfAStepAndRebuildsAnInvalidIndex() throws Exception {
        Endpoint source = EmbeddedPostgres.newDatabase("resume");
        Databases.sql(source,
                "CREATE TABLE payments (id bigint PRIMARY KEY, amount int NOT NULL, note text)",
                "INSERT INTO payments SELECT g, g % 1000, 'n' || g FROM generate_series(1, 10000) g");
        Path plan = directory.resolve("resume.yaml");
        Files.writeString(plan, "name: payments_resume\n"
                + "source:\n  url: " + source.url() + "\n  user: postgres\n"
                + "tables:\n  - source: public.payments\n"
                + "change:\n  - ALTER TABLE payments ADD CONSTRAINT amount_small CHECK (amount < 5000);\n"
                + "  - CREATE INDEX CONCURRENTLY IF NOT EXISTS payments_note ON payments (note);\n");
        // What a run killed during its first step leaves: the constraint added, its start on the timeline, not its end.
        String firstStep = "ALTER TABLE \"public\".\"payments\" ADD CONSTRAINT amount_small CHECK (amount < 5000) NOT VALID";
        Databases.sql(source, firstStep,
                // and an index build that failed half way, which PostgreSQL leaves behind invalid
                "CREATE INDEX payments_note ON payments (note)",
                "UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'payments_note'::regclass");
        try (dev.safeshift.store.ControlStore store = dev.safeshift.store.ControlStore.open(source, "safeshift")) {
            long id = store.register("payments_resume", "{\"kind\":\"change\"}").id();
            store.append(id, "change-step-started", "test", JSON.createObjectNode().put("key", "1.1:" + firstStep).toString());
        }

        CommandRun run = CommandRun.of("run", plan.toString());

        assertThat(run.exitCode()).as(run.stdout()).isZero();
        assertThat(run.stdout()).contains("already applied by the run that stopped during this step");
        assertThat(Databases.scalar(source, "SELECT convalidated FROM pg_constraint WHERE conname = 'amount_small'"))
                .isEqualTo("t");
        assertThat(Databases.scalar(source, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'payments_note'::regclass"))
                .as("the invalid index was dropped and built again, not taken as there").isEqualTo("t");
    }

    @Test
    void aStatementRunAsWrittenThatAnEarlierRunStartedIsNotGuessed() throws Exception {
        Endpoint source = EmbeddedPostgres.newDatabase("unsure");
        Databases.sql(source, "CREATE TABLE payments (id bigint PRIMARY KEY, amount int NOT NULL)");
        Path plan = directory.resolve("unsure.yaml");
        String statement = "ALTER TABLE payments ADD COLUMN note text";
        Files.writeString(plan, "name: payments_unsure\n"
                + "source:\n  url: " + source.url() + "\n  user: postgres\n"
                + "tables:\n  - source: public.payments\n"
                + "change:\n  - " + statement + ";\n");
        Databases.sql(source, statement);
        try (dev.safeshift.store.ControlStore store = dev.safeshift.store.ControlStore.open(source, "safeshift")) {
            long id = store.register("payments_unsure", "{\"kind\":\"change\"}").id();
            store.append(id, "change-step-started", "test", JSON.createObjectNode().put("key", "1.1:" + statement).toString());
        }

        CommandRun run = CommandRun.of("run", plan.toString());

        assertThat(run.exitCode()).isEqualTo(8);
        assertThat(timeline(source, "change-step-done")).isEmpty();
    }

    @Test
    void doesNotTakeOverAMigrationOfTheSameNameThatIsNotAChange() throws Exception {
        Endpoint source = EmbeddedPostgres.newDatabase("taken");
        Databases.sql(source, "CREATE TABLE payments (id bigint PRIMARY KEY, amount int NOT NULL)");
        Path plan = directory.resolve("taken.yaml");
        Files.writeString(plan, "name: payments_taken\n"
                + "source:\n  url: " + source.url() + "\n  user: postgres\n"
                + "tables:\n  - source: public.payments\n"
                + "change:\n  - ALTER TABLE payments ADD COLUMN note text;\n");
        try (dev.safeshift.store.ControlStore store = dev.safeshift.store.ControlStore.open(source, "safeshift")) {
            store.register("payments_taken", "{\"verify\":{}}");
        }

        CommandRun run = CommandRun.of("run", plan.toString());

        assertThat(run.exitCode()).isEqualTo(7);
        assertThat(Databases.scalar(source, "SELECT count(*) FROM pg_attribute WHERE attrelid = 'payments'::regclass "
                + "AND attname = 'note'")).isEqualTo("0");
    }

    /**
     * The application: a loop of one insert of a new row and one update of an existing one, each
     * round timed, until closed.
     */
    private static final class Application implements AutoCloseable {

        final AtomicLong writes = new AtomicLong();
        final AtomicLong slowestMillis = new AtomicLong();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final AtomicBoolean writing = new AtomicBoolean(true);
        private final Thread thread;

        /** {@code insert} takes the new row's id; existing rows have ids 1 to {@code existingRows}. */
        Application(Endpoint source, String insert, long firstNewId, long existingRows) {
            thread = new Thread(() -> {
                try (Connection connection = EmbeddedPostgres.connect(source);
                     PreparedStatement inserting = connection.prepareStatement(insert);
                     PreparedStatement updating = connection.prepareStatement(
                             "UPDATE payments SET amount = amount + 1 WHERE id = ?")) {
                    for (long id = firstNewId; writing.get(); id++) {
                        long started = System.nanoTime();
                        inserting.setLong(1, id);
                        inserting.executeUpdate();
                        updating.setLong(1, id % existingRows + 1);
                        updating.executeUpdate();
                        slowestMillis.accumulateAndGet((System.nanoTime() - started) / 1_000_000, Math::max);
                        writes.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            }, "writer");
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            writing.set(false);
            thread.join(10_000);
        }
    }

    private static List<JsonNode> timeline(Endpoint source, String kind) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        try (Connection connection = EmbeddedPostgres.connect(source);
             PreparedStatement query = connection.prepareStatement(
                     "SELECT detail FROM safeshift.timeline WHERE kind = ? ORDER BY seq")) {
            query.setString(1, kind);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    events.add(JSON.readTree(rs.getString(1)));
                }
            }
        }
        return events;
    }
}
