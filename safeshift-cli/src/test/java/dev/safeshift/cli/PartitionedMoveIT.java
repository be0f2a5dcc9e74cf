package dev.safeshift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safeshift.cli.demo.RowByRow;
import dev.safeshift.engine.Engine;
import dev.safeshift.engine.Engines;
import dev.safeshift.plan.ControlSpec;
import dev.safeshift.plan.CopySettings;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.Plan;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.plan.TableSpec;
import dev.safeshift.store.ControlStore;
import dev.safeshift.testing.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A declarative partitioned table moves as one table: its partitions' changes reach the stream as
 * the table's own from the slot's start, so every write made while the backfill copies arrives,
 * including rows that move between partitions; the target is a plain table.
 */
class PartitionedMoveIT {

    private static final long ROWS = 90_000;

    @Test
    void aPartitionedTableMovesAsOnePlainTableWithEveryChangeMadeDuringTheBackfill() throws Exception {
        Endpoint source = EmbeddedPostgres.newDatabase("partitioned_source");
        Endpoint target = EmbeddedPostgres.newDatabase("partitioned_target");
        try (Connection connection = EmbeddedPostgres.connect(source); Statement statement = connection.createStatement()) {
            statement.execute("""
                    CREATE TABLE public.events (
                      id bigint NOT NULL,
                      kind text NOT NULL,
                      payload jsonb,
                      note text,
                      PRIMARY KEY (id, kind)) PARTITION BY LIST (kind);
                    CREATE TABLE public.events_click PARTITION OF public.events FOR VALUES IN ('click');
                    CREATE TABLE public.events_view PARTITION OF public.events FOR VALUES IN ('view');
                    CREATE TABLE public.events_other PARTITION OF public.events DEFAULT;
                    CREATE INDEX events_note ON public.events (note);
                    INSERT INTO public.events
                      SELECT g, (ARRAY['click', 'view', 'buy'])[1 + g %% 3], jsonb_build_object('g', g), 'note ' || g
                        FROM generate_series(1, %d) g;
                    ANALYZE public.events""".formatted(ROWS));
        }
        Plan plan = new Plan(null, "partitioned", source, target,
                List.of(new TableSpec(new QualifiedName("public", "events"), new QualifiedName("public", "events"), List.of())),
                new ControlSpec(Optional.empty(), ControlSpec.DEFAULT_SCHEMA), new CopySettings(2, 5_000), Optional.empty(),
                List.of());

        try (Writer writer = new Writer(source);
             ControlStore store = ControlStore.open(target, ControlSpec.DEFAULT_SCHEMA);
             Engine engine = Engines.forEndpoints(source, target)) {
            writer.start();
            DaemonThread daemon = DaemonThread.start(plan, store, engine);
            assertThat(daemon.awaitStreaming(store, "partitioned")).isNull();
            Thread.sleep(2_000);
            writer.close();
            assertThat(writer.failure).isNull();
            assertThat(writer.writes.get()).as("writes made while the move ran").isGreaterThan(50);

            Convergence.awaitIdentical(source, target, "public.events", Duration.ofMinutes(2), daemon::failure);
            assertThat(daemon.stop()).isNull();
        }
        RowByRow.Result result = RowByRow.compare(source, "public.events", target, "public.events", "id, kind");
        assertThat(result.differences()).isEmpty();
        assertThat(result.identical()).isTrue();
        try (Connection connection = EmbeddedPostgres.connect(target); Statement statement = connection.createStatement();
             var rows = statement.executeQuery("SELECT relkind, (SELECT count(*) FROM pg_inherits WHERE inhparent = c.oid), "
                     + "(SELECT count(*) FROM pg_index WHERE indrelid = c.oid) FROM pg_class c WHERE oid = 'public.events'::regclass")) {
            rows.next();
            assertThat(rows.getString(1)).as("a plain table").isEqualTo("r");
            assertThat(rows.getInt(2)).as("partitions").isZero();
            assertThat(rows.getInt(3)).as("primary key and the index on note").isEqualTo(2);
        }
    }

    /** Inserts, updates (some moving rows to another partition) and deletes, each in its own transaction. */
    private static final class Writer implements AutoCloseable {

        private final Endpoint endpoint;
        private final Thread thread = new Thread(this::loop, "partitioned-writer");
        private final AtomicLong writes = new AtomicLong();
        private volatile boolean running = true;
        private volatile Throwable failure;

        Writer(Endpoint endpoint) {
            this.endpoint = endpoint;
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void loop() {
            long next = ROWS + 1;
            try (Connection connection = EmbeddedPostgres.connect(endpoint);
                 PreparedStatement insert = connection.prepareStatement(
                         "INSERT INTO public.events VALUES (?, (ARRAY['click', 'view', 'buy'])[1 + ? % 3], '{}', 'new')");
                 PreparedStatement update = connection.prepareStatement(
                         "UPDATE public.events SET note = 'changed ' || clock_timestamp(), payload = payload || '{\"u\": 1}' "
                                 + "WHERE id = ?");
                 PreparedStatement move = connection.prepareStatement(
                         "UPDATE public.events SET kind = CASE kind WHEN 'click' THEN 'view' WHEN 'view' THEN 'other' "
                                 + "ELSE 'click' END WHERE id = ?");
                 PreparedStatement delete = connection.prepareStatement("DELETE FROM public.events WHERE id = ?")) {
                while (running) {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    long existing = 1 + random.nextLong(next - 1);
                    PreparedStatement statement = switch (random.nextInt(4)) {
                        case 0 -> insert;
                        case 1 -> update;
                        case 2 -> move;
                        default -> delete;
                    };
                    long id = statement == insert ? next++ : existing;
                    statement.setLong(1, id);
                    if (statement == insert) {
                        statement.setLong(2, id);
                    }
                    statement.executeUpdate();
                    writes.incrementAndGet();
                    Thread.sleep(5);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable e) {
                failure = e;
            }
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(10_000);
        }
    }
}
