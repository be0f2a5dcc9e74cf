package dev.safeshift.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.Engine;
import dev.safeshift.engine.Engines;
import dev.safeshift.plan.ControlSpec;
import dev.safeshift.plan.CopySettings;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.Plan;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.plan.TableSpec;
import dev.safeshift.run.MigrationDaemon;
import dev.safeshift.run.RunListener;
import dev.safeshift.store.ControlStore;
import dev.safeshift.testing.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A table whose replica identity would make the application's updates and deletes fail once it is
 * published, or would hide primary-key changes from the stream, is refused before anything exists:
 * no publication, no slot, no target table, and the application keeps writing.
 */
class ReplicaIdentityIT {

    @Test
    void replicaIdentityNothingIsRefusedBeforeAnyPublicationAndTheSourceKeepsAcceptingUpdates() throws Exception {
        Endpoint source = EmbeddedPostgres.newDatabase("identity_nothing_source");
        Endpoint target = EmbeddedPostgres.newDatabase("identity_nothing_target");
        run(source, "CREATE TABLE public.accounts (id int PRIMARY KEY, balance int)",
                "CREATE TABLE public.audit (id int PRIMARY KEY, note text)",
                "INSERT INTO public.accounts VALUES (1, 10)",
                "ALTER TABLE public.accounts REPLICA IDENTITY NOTHING");

        SafeshiftException refused = runDaemon(source, target, "public.audit", "public.accounts");
        assertThat(refused.exitCode()).isEqualTo(5);
        assertThat(refused.getMessage()).contains("public.accounts has REPLICA IDENTITY NOTHING",
                "ALTER TABLE public.accounts REPLICA IDENTITY DEFAULT;", "Nothing was created");

        assertThat(count(source, "SELECT count(*) FROM pg_publication")).isZero();
        assertThat(count(source, "SELECT count(*) FROM pg_replication_slots WHERE database = current_database()")).isZero();
        assertThat(count(target, "SELECT count(*) FROM pg_class WHERE relname IN ('accounts', 'audit')"))
                .as("no target table, not even for the table listed first").isZero();
        run(source, "UPDATE public.accounts SET balance = balance + 1 WHERE id = 1", "DELETE FROM public.accounts");

        // what the refusal prevents: once published, PostgreSQL rejects the application's updates
        run(source, "CREATE PUBLICATION demo_only FOR TABLE public.accounts", "INSERT INTO public.accounts VALUES (2, 20)");
        assertThatThrownBy(() -> run(source, "UPDATE public.accounts SET balance = 0 WHERE id = 2"))
                .hasMessageContaining("does not have a replica identity");
        run(source, "DROP PUBLICATION demo_only");
    }

    @Test
    void replicaIdentityUsingAnotherIndexIsRefusedAndAPartitionIsCheckedToo() throws Exception {
        Endpoint source = EmbeddedPostgres.newDatabase("identity_index_source");
        Endpoint target = EmbeddedPostgres.newDatabase("identity_index_target");
        run(source, "CREATE TABLE public.users (id int PRIMARY KEY, email text NOT NULL UNIQUE)",
                "ALTER TABLE public.users REPLICA IDENTITY USING INDEX users_email_key",
                "CREATE TABLE public.events (id int, kind text, PRIMARY KEY (id, kind)) PARTITION BY LIST (kind)",
                "CREATE TABLE public.events_a PARTITION OF public.events FOR VALUES IN ('a')",
                "CREATE TABLE public.events_b PARTITION OF public.events FOR VALUES IN ('b')",
                "ALTER TABLE public.events_b REPLICA IDENTITY NOTHING",
                "CREATE TABLE public.fine (id int PRIMARY KEY, v text)",
                "ALTER TABLE public.fine REPLICA IDENTITY FULL");

        SafeshiftException users = runDaemon(source, target, "public.users");
        assertThat(users.getMessage()).contains("REPLICA IDENTITY USING INDEX users_email_key, an index other than its "
                + "primary key", "ALTER TABLE public.users REPLICA IDENTITY DEFAULT;");
        SafeshiftException events = runDaemon(source, target, "public.events");
        assertThat(events.getMessage()).contains("public.events_b has REPLICA IDENTITY NOTHING")
                .doesNotContain("events_a");
        assertThat(count(source, "SELECT count(*) FROM pg_publication")).isZero();

        try (Engine engine = Engines.forEndpoints(source, target)) {
            QualifiedName fine = new QualifiedName("public", "fine");
            assertThat(engine.describeSource(new TableSpec(fine, fine, List.of())).columnNames()).containsExactly("id", "v");
        }
    }

    private static SafeshiftException runDaemon(Endpoint source, Endpoint target, String... tables) throws Exception {
        List<TableSpec> specs = java.util.Arrays.stream(tables)
                .map(t -> QualifiedName.parse(t, "public"))
                .map(name -> new TableSpec(name, name, List.of()))
                .toList();
        Plan plan = new Plan(null, "identity", source, target, specs,
                new ControlSpec(Optional.empty(), ControlSpec.DEFAULT_SCHEMA), new CopySettings(1, 1_000), Optional.empty(),
                List.of());
        try (ControlStore store = ControlStore.open(target, ControlSpec.DEFAULT_SCHEMA);
             Engine engine = Engines.forEndpoints(source, target)) {
            MigrationDaemon daemon = new MigrationDaemon(plan, store, engine, RunListener.SILENT, "test");
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(daemon::run);
            assertThat(thrown).isInstanceOf(SafeshiftException.class);
            return (SafeshiftException) thrown;
        }
    }

    private static void run(Endpoint endpoint, String... statements) throws SQLException {
        try (Connection connection = EmbeddedPostgres.connect(endpoint); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private static long count(Endpoint endpoint, String sql) throws SQLException {
        try (Connection connection = EmbeddedPostgres.connect(endpoint); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
