package dev.safeshift.cli;

import static dev.safeshift.cli.Databases.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.safeshift.SafeshiftException;
import dev.safeshift.cli.demo.RowByRow;
import dev.safeshift.engine.Engines;
import dev.safeshift.engine.SchemaChangedException;
import dev.safeshift.plan.ControlSpec;
import dev.safeshift.plan.CopySettings;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.Plan;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.plan.TableSpec;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.TimelineEvent;
import dev.safeshift.testing.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Schema changes on the source while the daemon streams under writes: each is either applied to the
 * target and streamed on (the target then equals the source, new column and defaults included), or
 * stops the daemon with its own message and exit code; once the user does what the message says and
 * runs again, nothing is lost.
 */
class SchemaChangeIT {

    private static final String TABLE = "public.items";
    private static final Slots SLOTS = new Slots();
    private static final int ROWS = 2_000;

    @AfterEach
    void dropSlots() throws Exception {
        SLOTS.close();
    }

    @Test
    void newColumnsNullableWithAConstantDefaultAndNotNullWithADefaultAreAddedToTheTarget() throws Exception {
        Fixture db = new Fixture("added");
        try (ControlStore store = db.store(); Writer writer = new Writer(db.source)) {
            DaemonThread daemon = db.startDaemon(store);
            writer.start();
            sql(db.source, "ALTER TABLE public.items ADD COLUMN extra text");
            sql(db.source, "UPDATE public.items SET extra = 'set after the add ' || id WHERE id % 7 = 0");
            sql(db.source, "ALTER TABLE public.items ADD COLUMN flag boolean DEFAULT true");
            sql(db.source, "UPDATE public.items SET flag = false WHERE id % 5 = 0",
                    "INSERT INTO public.items (id, n, note) VALUES (100001, 1, 'default flag')");
            sql(db.source, "ALTER TABLE public.items ADD COLUMN code varchar(12) NOT NULL DEFAULT 'none'");
            sql(db.source, "UPDATE public.items SET code = 'c' || id WHERE id % 3 = 0",
                    "INSERT INTO public.items (id, n, note, code) VALUES (100002, 2, 'with code', 'given')");
            writer.close();

            Convergence.awaitIdentical(db.source, db.target, TABLE, Duration.ofMinutes(3), daemon::failure);
            assertThat(daemon.stop()).isNull();
            assertThat(db.columnsOf(db.target)).containsExactly("id", "n", "note", "extra", "flag", "code");
            assertThat(db.scalar(db.target, "SELECT count(*) FROM public.items WHERE flag AND code = 'none'"))
                    .as("existing rows got the defaults").isNotEqualTo("0");
            List<String> applied = store.timeline(store.require("added").id()).stream()
                    .filter(e -> e.kind().equals("schema-change")).map(TimelineEvent::detail).toList();
            // one event per stop: columns added close together may arrive in one
            assertThat(String.join("\n", applied)).contains("{\"name\":\"extra\",\"definition\":\"text\"}")
                    .contains("{\"name\":\"flag\",\"definition\":\"boolean DEFAULT true\"}")
                    .contains("{\"name\":\"code\",\"definition\":\"character varying(12) DEFAULT 'none'::character varying NOT NULL\"}");
        }
    }

    @Test
    void aNewColumnWithAComputedDefaultStopsAndStreamsOnOnceTheTargetHasIt() throws Exception {
        Fixture db = new Fixture("computed");
        try (ControlStore store = db.store(); Writer writer = new Writer(db.source)) {
            DaemonThread daemon = db.startDaemon(store);
            writer.start();
            sql(db.source, "ALTER TABLE public.items ADD COLUMN lucky integer DEFAULT (random() * 1000)::integer");
            sql(db.source, "UPDATE public.items SET lucky = -1 WHERE id % 11 = 0");
            SchemaChangedException stopped = db.awaitStop(daemon);
            writer.close();
            assertThat(stopped.exitCode()).isEqualTo(9);
            assertThat(stopped.getMessage()).contains("column \"lucky\" (integer DEFAULT ((random() * (1000)::double precision))::integer) added")
                    .contains("its default ((random() * (1000)::double precision))::integer is computed")
                    .contains("ALTER TABLE \"public\".\"items\" ADD COLUMN \"lucky\" integer, then fill it from the source")
                    .contains("nothing after it is lost");

            // what the message says: add the column and fill it with the source's values
            sql(db.target, "ALTER TABLE public.items ADD COLUMN lucky integer");
            db.copyColumn("lucky");
            db.resumeAndAwaitIdentical(store);
        }
    }

    @Test
    void aDroppedColumnStopsAndStreamsOnOnceDroppedOnTheTarget() throws Exception {
        Fixture db = new Fixture("dropped");
        try (ControlStore store = db.store(); Writer writer = new Writer(db.source)) {
            DaemonThread daemon = db.startDaemon(store);
            writer.start();
            sql(db.source, "ALTER TABLE public.items DROP COLUMN note");
            SchemaChangedException stopped = db.awaitStop(daemon);
            writer.close();
            assertThat(stopped.getMessage()).contains("column \"note\" dropped")
                    .contains("drop \"note\" on the target too (ALTER TABLE \"public\".\"items\" DROP COLUMN \"note\")");

            sql(db.target, "ALTER TABLE public.items DROP COLUMN note");
            db.resumeAndAwaitIdentical(store);
        }
    }

    @Test
    void aRetypedColumnStopsAndStreamsOnOnceRetypedOnTheTarget() throws Exception {
        Fixture db = new Fixture("retyped");
        try (ControlStore store = db.store(); Writer writer = new Writer(db.source)) {
            DaemonThread daemon = db.startDaemon(store);
            writer.start();
            sql(db.source, "ALTER TABLE public.items ALTER COLUMN n TYPE bigint");
            sql(db.source, "UPDATE public.items SET n = 9000000000 + id WHERE id % 13 = 0");
            SchemaChangedException stopped = db.awaitStop(daemon);
            writer.close();
            assertThat(stopped.getMessage()).contains("column \"n\" changed from integer to bigint")
                    .contains("ALTER TABLE \"public\".\"items\" ALTER COLUMN \"n\" TYPE bigint");

            sql(db.target, "ALTER TABLE public.items ALTER COLUMN n TYPE bigint");
            db.resumeAndAwaitIdentical(store);
        }
    }

    @Test
    void aRenamedColumnStopsAndStreamsOnOnceRenamedOnTheTarget() throws Exception {
        Fixture db = new Fixture("renamed");
        try (ControlStore store = db.store(); Writer writer = new Writer(db.source)) {
            DaemonThread daemon = db.startDaemon(store);
            writer.start();
            sql(db.source, "ALTER TABLE public.items RENAME COLUMN note TO remark");
            sql(db.source, "UPDATE public.items SET remark = 'renamed ' || id WHERE id % 17 = 0");
            SchemaChangedException stopped = db.awaitStop(daemon);
            writer.close();
            assertThat(stopped.getMessage()).contains("column \"remark\" (text) added")
                    .contains("column \"note\" dropped or renamed")
                    .contains("RENAME COLUMN \"note\" TO");

            sql(db.target, "ALTER TABLE public.items RENAME COLUMN note TO remark");
            db.resumeAndAwaitIdentical(store);
        }
    }

    @Test
    void aColumnAddedWhileNoDaemonRanIsAddedWhenItStartsAndOneDroppedIsStreamedUpToTheDrop() throws Exception {
        Fixture db = new Fixture("offline");
        try (ControlStore store = db.store()) {
            DaemonThread daemon = db.startDaemon(store);
            sql(db.source, "UPDATE public.items SET n = n + 1 WHERE id <= 10");
            Convergence.awaitIdentical(db.source, db.target, TABLE, Duration.ofMinutes(2), daemon::failure);
            assertThat(daemon.stop()).isNull();

            // changes before the drop must reach the dropped column on the target before it goes
            sql(db.source, "UPDATE public.items SET note = 'before the drop' WHERE id <= 20",
                    "ALTER TABLE public.items ADD COLUMN extra text DEFAULT 'x'",
                    "UPDATE public.items SET extra = 'y' WHERE id <= 5");
            DaemonThread again = db.startDaemon(store);
            Convergence.awaitIdentical(db.source, db.target, TABLE, Duration.ofMinutes(2), again::failure);
            assertThat(again.stop()).isNull();

            sql(db.source, "UPDATE public.items SET note = 'last words' WHERE id <= 30",
                    "ALTER TABLE public.items DROP COLUMN note",
                    "UPDATE public.items SET n = -n WHERE id <= 40");
            DaemonThread third = DaemonThread.start(db.plan, store, Engines.forEndpoints(db.source, db.target));
            SchemaChangedException stopped = db.awaitStop(third);
            assertThat(stopped.getMessage()).contains("column \"note\" dropped");
            assertThat(db.scalar(db.target, "SELECT count(*) FROM public.items WHERE note = 'last words'"))
                    .as("the changes written before the drop were applied first").isEqualTo("30");

            sql(db.target, "ALTER TABLE public.items DROP COLUMN note");
            db.resumeAndAwaitIdentical(store);
        }
    }

    @Test
    void aColumnOutsideThePlansColumnListIsNotMoved() throws Exception {
        Fixture db = new Fixture("listed", List.of("id", "n", "note"));
        try (ControlStore store = db.store(); Writer writer = new Writer(db.source)) {
            DaemonThread daemon = db.startDaemon(store);
            writer.start();
            sql(db.source, "ALTER TABLE public.items ADD COLUMN secret text DEFAULT 'not moved'");
            sql(db.source, "UPDATE public.items SET secret = 'changed', note = 'seen' WHERE id % 9 = 0");
            writer.close();
            String listed = "(SELECT id, n, note FROM public.items)";
            await().atMost(Duration.ofMinutes(2)).until(() -> daemon.failure() != null
                    || RowByRow.compare(db.source, listed, db.target, listed, "id").identical());
            assertThat(daemon.stop()).isNull();
            assertThat(db.columnsOf(db.target)).containsExactly("id", "n", "note");
        }
    }

    /** Source and target databases with the items table, a plan and the daemons run on it. */
    private static final class Fixture {
        final Endpoint source;
        final Endpoint target;
        final Plan plan;

        Fixture(String name) throws Exception {
            this(name, List.of());
        }

        Fixture(String name, List<String> columns) throws Exception {
            source = SLOTS.source(EmbeddedPostgres.newDatabase(name + "_source"));
            target = EmbeddedPostgres.newDatabase(name + "_target");
            sql(source, "CREATE TABLE public.items (id int PRIMARY KEY, n int NOT NULL, note text)",
                    "INSERT INTO public.items SELECT g, g, 'row ' || g FROM generate_series(1, " + ROWS + ") g");
            QualifiedName items = new QualifiedName("public", "items");
            plan = new Plan(null, name, source, target, List.of(new TableSpec(items, items, columns)),
                    new ControlSpec(Optional.empty(), ControlSpec.DEFAULT_SCHEMA), new CopySettings(2, 1_000),
                    Optional.empty(), List.of());
        }

        ControlStore store() {
            return ControlStore.open(target, ControlSpec.DEFAULT_SCHEMA);
        }

        DaemonThread startDaemon(ControlStore store) {
            DaemonThread daemon = DaemonThread.start(plan, store, Engines.forEndpoints(source, target));
            assertThat(daemon.awaitStreaming(store, plan.name())).isNull();
            return daemon;
        }

        SchemaChangedException awaitStop(DaemonThread daemon) throws Exception {
            await().atMost(Duration.ofMinutes(2)).until(() -> daemon.failure() != null);
            Throwable failure = daemon.stop();
            assertThat(failure).isInstanceOf(SchemaChangedException.class);
            assertThat(((SafeshiftException) failure).kind()).isEqualTo(SafeshiftException.Kind.SCHEMA_CHANGED);
            return (SchemaChangedException) failure;
        }

        void resumeAndAwaitIdentical(ControlStore store) throws Exception {
            DaemonThread again = DaemonThread.start(plan, store, Engines.forEndpoints(source, target));
            Convergence.awaitIdentical(source, target, TABLE, Duration.ofMinutes(3), again::failure);
            assertThat(again.stop()).isNull();
        }

        /** Gives the target's rows the source's values of a column, as a user would by hand. */
        void copyColumn(String column) throws Exception {
            try (Connection from = EmbeddedPostgres.connect(source); Connection to = EmbeddedPostgres.connect(target);
                 Statement read = from.createStatement();
                 ResultSet rows = read.executeQuery("SELECT id, " + column + " FROM public.items");
                 var update = to.prepareStatement("UPDATE public.items SET " + column + " = ? WHERE id = ?")) {
                while (rows.next()) {
                    update.setObject(1, rows.getObject(2));
                    update.setInt(2, rows.getInt(1));
                    update.addBatch();
                }
                update.executeBatch();
            }
        }

        List<String> columnsOf(Endpoint endpoint) throws Exception {
            List<String> columns = new ArrayList<>();
            try (Connection connection = EmbeddedPostgres.connect(endpoint); Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT attname FROM pg_attribute WHERE attrelid = "
                         + "'public.items'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum")) {
                while (rows.next()) {
                    columns.add(rows.getString(1));
                }
            }
            return columns;
        }

        String scalar(Endpoint endpoint, String query) throws Exception {
            return Databases.scalar(endpoint, query);
        }
    }

    /** Updates and inserts rows steadily, each in its own transaction, until closed. */
    private static final class Writer implements AutoCloseable {
        private final Endpoint source;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicReference<Exception> failure = new AtomicReference<>();
        private final Thread thread;

        Writer(Endpoint source) {
            this.source = source;
            this.thread = new Thread(this::write, "schema-change-writer");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void write() {
            try (Connection connection = EmbeddedPostgres.connect(source); Statement statement = connection.createStatement()) {
                int k = 0;
                while (running.get()) {
                    k++;
                    statement.execute("UPDATE public.items SET n = n + 1 WHERE id = " + (k % ROWS + 1));
                    if (k % 10 == 0) {
                        statement.execute("INSERT INTO public.items (id, n) VALUES (" + (10_000 + k) + ", " + k + ")");
                    }
                    Thread.sleep(5);
                }
            } catch (Exception e) {
                failure.set(e);
            }
        }

        @Override
        public void close() throws Exception {
            if (running.getAndSet(false)) {
                thread.join(10_000);
            }
            assertThat(failure.get()).as("the writer failed").isNull();
        }
    }
}
