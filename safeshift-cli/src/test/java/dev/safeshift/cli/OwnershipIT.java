package dev.safeshift.cli;

import static dev.safeshift.cli.Databases.scalar;
import static dev.safeshift.cli.Databases.sql;
import static org.assertj.core.api.Assertions.assertThat;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.Engines;
import dev.safeshift.plan.ControlSpec;
import dev.safeshift.plan.CopySettings;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.Plan;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.plan.TableSpec;
import dev.safeshift.run.MigrationDaemon;
import dev.safeshift.store.ControlStore;
import dev.safeshift.testing.EmbeddedPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A migration owns its slot, publication and applied position: nothing of another migration (the
 * same name elsewhere, an aborted predecessor) is ever dropped, read or trusted, and a table is never
 * moved onto itself.
 */
class OwnershipIT {

    @TempDir
    Path directory;

    private static Plan plan(String name, Endpoint source, Endpoint target, Endpoint control) {
        QualifiedName orders = new QualifiedName("public", "orders");
        return new Plan(null, name, source, target, List.of(new TableSpec(orders, orders, List.of())),
                new ControlSpec(Optional.of(control), ControlSpec.DEFAULT_SCHEMA), new CopySettings(2, 1_000),
                Optional.empty(), List.of());
    }

    @Test
    void twoPlansWithTheSameNameMoveTheSameTableIntoTwoTargetsWithoutTouchingEachOther() throws Exception {
        Endpoint source = EmbeddedPostgres.newDatabase("twins_source");
        Endpoint first = EmbeddedPostgres.newDatabase("twins_first");
        Endpoint second = EmbeddedPostgres.newDatabase("twins_second");
        sql(source, "CREATE TABLE public.orders (id int PRIMARY KEY, total int)",
                "INSERT INTO public.orders SELECT g, g FROM generate_series(1, 5000) g");
        Plan one = plan("orders", source, first, first);
        Plan two = plan("orders", source, second, second);

        try (ControlStore storeOne = ControlStore.open(first, ControlSpec.DEFAULT_SCHEMA);
             ControlStore storeTwo = ControlStore.open(second, ControlSpec.DEFAULT_SCHEMA);
             DaemonThread daemonOne = DaemonThread.start(one, storeOne, Engines.forEndpoints(source, first))) {
            assertThat(daemonOne.awaitStreaming(storeOne, "orders")).isNull();
            sql(source, "UPDATE public.orders SET total = -1 WHERE id <= 100");
            try (DaemonThread daemonTwo = DaemonThread.start(two, storeTwo, Engines.forEndpoints(source, second))) {
                assertThat(daemonTwo.awaitStreaming(storeTwo, "orders")).isNull();
                sql(source, "UPDATE public.orders SET total = -2 WHERE id BETWEEN 101 AND 200",
                        "DELETE FROM public.orders WHERE id > 4900");

                Convergence.awaitIdentical(source, first, "public.orders", Duration.ofMinutes(1), daemonOne::failure);
                Convergence.awaitIdentical(source, second, "public.orders", Duration.ofMinutes(1), daemonTwo::failure);
                String slotOne = MigrationDaemon.captureName(storeOne, storeOne.require("orders").id()).orElseThrow();
                String slotTwo = MigrationDaemon.captureName(storeTwo, storeTwo.require("orders").id()).orElseThrow();
                assertThat(slotOne).startsWith("safeshift_orders_").isNotEqualTo(slotTwo);
                assertThat(scalar(source, "SELECT count(*) FROM pg_replication_slots WHERE active AND slot_name IN ('"
                        + slotOne + "', '" + slotTwo + "')")).isEqualTo("2");
                assertThat(daemonTwo.stop()).isNull();
            }
            assertThat(daemonOne.failure()).isNull();
        }
    }

    @Test
    void aSecondPlanWithTheSameNameInTheSameStoreIsRefused() throws Exception {
        Endpoint source = EmbeddedPostgres.newDatabase("samestore_source");
        Endpoint target = EmbeddedPostgres.newDatabase("samestore_target");
        Endpoint other = EmbeddedPostgres.newDatabase("samestore_other");
        sql(source, "CREATE TABLE public.orders (id int PRIMARY KEY, total int)", "INSERT INTO public.orders VALUES (1, 1)");
        try (ControlStore store = ControlStore.open(target, ControlSpec.DEFAULT_SCHEMA)) {
            try (DaemonThread daemon = DaemonThread.start(plan("orders", source, target, target), store,
                    Engines.forEndpoints(source, target))) {
                assertThat(daemon.awaitStreaming(store, "orders")).isNull();
            }
            Plan elsewhere = plan("orders", source, other, target);
            MigrationDaemon second = new MigrationDaemon(elsewhere, store, Engines.forEndpoints(source, other),
                    dev.safeshift.run.RunListener.SILENT, "test");

            SafeshiftException refused = org.assertj.core.api.Assertions.catchThrowableOfType(SafeshiftException.class,
                    second::run);

            assertThat(refused.kind()).isEqualTo(SafeshiftException.Kind.STATE);
            assertThat(refused.getMessage()).contains("already has a migration named orders for another plan")
                    .contains("samestore_other");
            assertThat(scalar(other, "SELECT to_regclass('public.orders') IS NULL")).as("nothing created").isEqualTo("t");
        }
    }

    @Test
    void aPlanRefusedBeforeAnythingWasCreatedCanBeCorrectedUnderTheSameName() throws Exception {
        Endpoint source = EmbeddedPostgres.newDatabase("corrected_source");
        Endpoint target = EmbeddedPostgres.newDatabase("corrected_target");
        sql(source, "CREATE TABLE public.orders (id int PRIMARY KEY, total int)", "INSERT INTO public.orders VALUES (1, 1)",
                "CREATE TABLE public.notes (body text)");
        Path wrong = PlanFiles.write(directory, "corrected", source, target, "public.notes", "");
        assertThat(Main.execute("run", wrong.toString())).as("no primary key").isEqualTo(5);

        Path right = PlanFiles.write(directory, "corrected", source, target, "public.orders", "");
        try (ControlStore store = ControlStore.open(target, ControlSpec.DEFAULT_SCHEMA);
             DaemonThread daemon = DaemonThread.start(dev.safeshift.plan.PlanLoader.load(right), store,
                     Engines.forEndpoints(source, target))) {
            assertThat(daemon.awaitStreaming(store, "corrected")).isNull();
            assertThat(store.timeline(store.require("corrected").id())).anyMatch(e -> e.kind().equals("plan-replaced"));
        }
    }

    @Test
    void abortRemovesTheAppliedPositionSoTheNextMigrationOfThatNameMissesNothing() throws Exception {
        Endpoint source = EmbeddedPostgres.newDatabase("reborn_source");
        Endpoint target = EmbeddedPostgres.newDatabase("reborn_target");
        sql(source, "CREATE TABLE public.orders (id int PRIMARY KEY, total int)",
                "INSERT INTO public.orders SELECT g, g FROM generate_series(1, 1000) g");
        Path file = PlanFiles.write(directory, "reborn", source, target, "public.orders", "");
        Plan plan = dev.safeshift.plan.PlanLoader.load(file);
        try (ControlStore store = ControlStore.open(target, ControlSpec.DEFAULT_SCHEMA)) {
            try (DaemonThread daemon = DaemonThread.start(plan, store, Engines.forEndpoints(source, target))) {
                assertThat(daemon.awaitStreaming(store, "reborn")).isNull();
                // many changes, so the applied position moves well past where a new slot will start
                for (int i = 0; i < 20; i++) {
                    sql(source, "UPDATE public.orders SET total = total + 1");
                }
                Convergence.awaitIdentical(source, target, "public.orders", Duration.ofMinutes(1), daemon::failure);
            }
        }
        assertThat(Main.execute("abort", "--yes", file.toString())).isZero();
        assertThat(scalar(target, "SELECT count(*) FROM safeshift.applied_position")).isEqualTo("0");
        sql(target, "DROP TABLE public.orders");

        try (ControlStore store = ControlStore.open(target, ControlSpec.DEFAULT_SCHEMA);
             DaemonThread daemon = DaemonThread.start(plan, store, Engines.forEndpoints(source, target))) {
            assertThat(daemon.awaitStreaming(store, "reborn")).isNull();
            sql(source, "UPDATE public.orders SET total = 0 WHERE id <= 10", "INSERT INTO public.orders VALUES (5000, 5)");
            Convergence.awaitIdentical(source, target, "public.orders", Duration.ofMinutes(1), daemon::failure);
        }
    }

    @Test
    void aTableMovedOntoItselfIsRefusedBeforeAnythingIsCreated() throws Exception {
        Endpoint database = EmbeddedPostgres.newDatabase("self_move");
        sql(database, "CREATE TABLE public.orders (id int PRIMARY KEY, total int)", "INSERT INTO public.orders VALUES (1, 1)");
        Path file = PlanFiles.write(directory, "selfie", database, database, "public.orders", "");

        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(err, true), "run", file.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("moves public.orders onto public.orders in the same database")
                .doesNotContain("\tat ");
        assertThat(scalar(database, "SELECT count(*) FROM pg_publication")).isEqualTo("0");
        assertThat(scalar(database, "SELECT count(*) FROM pg_replication_slots WHERE database = current_database()"))
                .isEqualTo("0");
        assertThat(scalar(database, "UPDATE public.orders SET total = 2 RETURNING total")).isEqualTo("2");
    }

    @Test
    void anotherDatabaseOfTheSameServerIsNotASelfMove() throws Exception {
        Endpoint source = EmbeddedPostgres.newDatabase("neighbour_source");
        Endpoint target = EmbeddedPostgres.newDatabase("neighbour_target");
        sql(source, "CREATE TABLE public.orders (id int PRIMARY KEY)", "INSERT INTO public.orders VALUES (1)");
        Plan plan = plan("neighbours", source, target, target);
        try (ControlStore store = ControlStore.open(target, ControlSpec.DEFAULT_SCHEMA);
             DaemonThread daemon = DaemonThread.start(plan, store, Engines.forEndpoints(source, target))) {
            assertThat(daemon.awaitStreaming(store, "neighbours")).isNull();
        }
    }
}
