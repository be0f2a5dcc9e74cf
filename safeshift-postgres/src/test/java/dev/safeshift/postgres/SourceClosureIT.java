package dev.safeshift.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.safeshift.engine.Engine;
import dev.safeshift.engine.FenceSettings;
import dev.safeshift.engine.TableMove;
import dev.safeshift.engine.WriteFence;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.testing.EmbeddedPostgres;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGStatement;
import org.postgresql.util.PSQLException;

/**
 * Source tables closed to writes at the end of a cutover: every way of writing is refused with the
 * read-only SQLSTATE and a message naming the table and the migration, writers that were queued
 * behind the fence included, while Safeshift's own apply sessions still write; reopening undoes it all.
 */
class SourceClosureIT {

    private static final String READ_ONLY = "25006";
    private static final QualifiedName ACCOUNTS = new QualifiedName("public", "accounts");
    private static final QualifiedName LEDGER = new QualifiedName("public", "ledger");
    private static final QualifiedName EVENTS = new QualifiedName("public", "events");

    private final ExecutorService writers = Executors.newCachedThreadPool();
    private MoveFixture fixture;

    @AfterEach
    void cleanUp() {
        writers.shutdownNow();
        if (fixture != null) {
            fixture.close();
        }
    }

    /** A source with two ordinary tables and a table partitioned by range, each holding rows. */
    private MoveFixture databases(String prefix) {
        fixture = new MoveFixture(prefix);
        fixture.source(
                "CREATE TABLE accounts (id int PRIMARY KEY, balance int)",
                "INSERT INTO accounts VALUES (1, 100), (2, 200)",
                "CREATE TABLE ledger (id int PRIMARY KEY, amount int)",
                "INSERT INTO ledger VALUES (1, 10)",
                "CREATE TABLE events (id int, day date, note text, PRIMARY KEY (id, day)) PARTITION BY RANGE (day)",
                "CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
                "CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
                "INSERT INTO events VALUES (1, '2025-03-01', 'a'), (2, '2026-03-01', 'b')");
        return fixture;
    }

    @Test
    void everyKindOfWriteIsRefusedNamingTableAndMigrationWhileReadsGoOn() throws Exception {
        MoveFixture fixture = databases("closure_writes");
        Endpoint source = fixture.source;
        Engine engine = fixture.engine;
        List<TableMove> moves = List.of(fixture.describe(ACCOUNTS), fixture.describe(LEDGER));
        assertThat(engine.closedSourceTables(moves)).as("nothing closed before the cutover").isZero();

        try (WriteFence fence = engine.fenceWrites(moves, FenceSettings.DEFAULTS)) {
            fence.liftRefusingWrites("orders-2026");
        }

        assertRefused(source, "INSERT INTO accounts VALUES (3, 300)", "public.accounts", "orders-2026");
        assertRefused(source, "UPDATE accounts SET balance = 0 WHERE id = 1", "public.accounts", "orders-2026");
        assertRefused(source, "DELETE FROM accounts WHERE id = 2", "public.accounts", "orders-2026");
        assertRefused(source, "TRUNCATE accounts", "public.accounts", "orders-2026");
        assertRefused("COPY FROM STDIN", () -> copyIn(source, "accounts", "4\t400\n"), "public.accounts", "orders-2026");
        assertRefused(source, "INSERT INTO ledger VALUES (2, 20)", "public.ledger", "orders-2026");
        assertRefused(source, "TRUNCATE ledger", "public.ledger", "orders-2026");

        PSQLException refused = (PSQLException) catchThrowable(() -> execute(source, "DELETE FROM accounts"));
        assertThat(refused.getServerErrorMessage().getHint()).contains("Write to the target database");

        assertThat(MoveFixture.strings(source, "SELECT id || ':' || balance FROM accounts ORDER BY id"))
                .as("reads go on, and no refused write left a trace").containsExactly("1:100", "2:200");
        assertThat(count(source, "SELECT count(*) FROM ledger")).isEqualTo(1);
        assertThat(count(source, "SELECT count(*) FROM (SELECT * FROM accounts FOR SHARE) locked"))
                .as("row locks for reading too").isEqualTo(2);
        assertThat(engine.closedSourceTables(moves)).isEqualTo(2);
        assertThat(count(source, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'safeshift write fence'"))
                .as("lifting ended the fence's session").isZero();
    }

    @Test
    void writersQueuedBehindTheFenceAreRefusedWhenItIsLifted() throws Exception {
        MoveFixture fixture = databases("closure_queued");
        Endpoint source = fixture.source;
        List<TableMove> moves = List.of(fixture.describe(ACCOUNTS));

        // a statement the server has prepared and planned before the fence, as a connection pool's would be
        Connection pooled = EmbeddedPostgres.connect(source);
        PreparedStatement update = pooled.prepareStatement("UPDATE accounts SET balance = balance + ? WHERE id = ?");
        update.unwrap(PGStatement.class).setPrepareThreshold(1);
        for (int i = 0; i < 6; i++) {
            update.setInt(1, 0);
            update.setInt(2, 1);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
        try (pooled; update; Statement statement = pooled.createStatement()) {
            statement.execute("SET application_name = 'fenced writer'");
            WriteFence fence = fixture.engine.fenceWrites(moves, FenceSettings.DEFAULTS);
            Future<?> insert = writers.submit(() -> {
                execute(source, "SET application_name = 'fenced writer'", "INSERT INTO accounts VALUES (3, 300)");
                return null;
            });
            Future<?> prepared = writers.submit(() -> {
                update.setInt(1, 50);
                update.setInt(2, 1);
                return update.executeUpdate();
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> waitingForLocks(source) == 2);
            Thread.sleep(200);
            assertThat(insert.isDone() || prepared.isDone()).as("held by the fence").isFalse();

            fence.liftRefusingWrites("orders-2026");

            assertRefused("the queued INSERT", () -> outcome(insert), "public.accounts", "orders-2026");
            assertRefused("the queued prepared UPDATE", () -> outcome(prepared), "public.accounts", "orders-2026");
        }
        assertThat(count(source, "SELECT count(*) FROM accounts WHERE id = 3")).as("the queued row").isZero();
        assertThat(count(source, "SELECT balance FROM accounts WHERE id = 1")).as("the queued update").isEqualTo(100);
    }

    @Test
    void aPartitionedTableRefusesWritesThroughTheParentAndOnEveryPartitionAttachedOrCreatedLater() throws Exception {
        MoveFixture fixture = databases("closure_partitions");
        Endpoint source = fixture.source;
        List<TableMove> moves = List.of(fixture.describe(EVENTS));
        try (WriteFence fence = fixture.engine.fenceWrites(moves, FenceSettings.DEFAULTS)) {
            fence.liftRefusingWrites("events-move");
        }
        assertThat(fixture.engine.closedSourceTables(moves)).isEqualTo(1);

        // the row trigger fires on the partition the row is in, and names the moved table
        assertRefused(source, "INSERT INTO events VALUES (3, '2026-05-01', 'c')", "public.events", "events-move");
        assertRefused(source, "UPDATE events SET note = 'x' WHERE id = 1", "public.events", "events-move");
        assertRefused(source, "UPDATE events SET day = '2026-06-01' WHERE id = 1", "public.events", "events-move");
        assertRefused(source, "DELETE FROM events", "public.events", "events-move");
        assertRefused(source, "TRUNCATE events", "public.events", "events-move");
        assertRefused(source, "INSERT INTO events_2025 VALUES (4, '2025-05-01', 'd')", "public.events", "events-move");
        assertRefused(source, "UPDATE events_2025 SET note = 'x'", "public.events", "events-move");
        assertRefused(source, "DELETE FROM events_2026", "public.events", "events-move");
        assertRefused(source, "TRUNCATE events_2025", "public.events", "events-move");
        assertRefused(source, "TRUNCATE events_2026", "public.events", "events-move");

        fixture.source(
                "CREATE TABLE events_2027 (id int, day date, note text, PRIMARY KEY (id, day))",
                "INSERT INTO events_2027 VALUES (7, '2027-02-01', 'before attaching')",
                "ALTER TABLE events ATTACH PARTITION events_2027 FOR VALUES FROM ('2027-01-01') TO ('2028-01-01')",
                "CREATE TABLE events_2028 PARTITION OF events FOR VALUES FROM ('2028-01-01') TO ('2029-01-01')");
        execute(source, "SET safeshift.apply = on", "INSERT INTO events VALUES (8, '2028-02-01', 'applied')");
        for (String partition : List.of("events_2027", "events_2028")) {
            String named = "public.events";
            assertRefused(source, "INSERT INTO " + partition + " VALUES (9, '" + partition.substring(7) + "-03-01', 'e')",
                    named, "events-move");
            assertRefused(source, "UPDATE " + partition + " SET note = 'x'", named, "events-move");
            assertRefused(source, "DELETE FROM " + partition, named, "events-move");
        }
        assertRefused(source, "INSERT INTO events VALUES (9, '2027-03-01', 'e')", "public.events", "events-move");
        assertRefused(source, "INSERT INTO events VALUES (9, '2028-03-01', 'e')", "public.events", "events-move");
        assertRefused(source, "TRUNCATE events", "public.events", "events-move");
        assertThat(count(source, "SELECT count(*) FROM events")).isEqualTo(4);

        // TRUNCATE has only statement triggers, which PostgreSQL does not clone: a partition that joined the
        // tree after the closure takes a TRUNCATE of its own
        execute(source, "TRUNCATE events_2027");
        execute(source, "TRUNCATE events_2028");
        assertThat(count(source, "SELECT count(*) FROM events")).as("the new partitions were emptied").isEqualTo(2);

        fixture.engine.reopenSource(moves);
        execute(source, "INSERT INTO events VALUES (3, '2026-05-01', 'c'), (9, '2027-03-01', 'e')",
                "UPDATE events SET day = '2027-06-01' WHERE id = 1", "DELETE FROM events_2026 WHERE id = 2",
                "TRUNCATE events_2025", "TRUNCATE events");
        assertThat(closureTriggers(source)).isEmpty();
        assertThat(closureFunctions(source)).isEmpty();
    }

    @Test
    void replicationSessionsAndSafeshiftsOwnApplyStillWrite() throws Exception {
        MoveFixture fixture = databases("closure_apply");
        Endpoint source = fixture.source;
        List<TableMove> moves = List.of(fixture.describe(ACCOUNTS), fixture.describe(EVENTS));
        try (WriteFence fence = fixture.engine.fenceWrites(moves, FenceSettings.DEFAULTS)) {
            fence.liftRefusingWrites("orders-2026");
        }

        execute(source, "SET session_replication_role = replica",
                "INSERT INTO accounts VALUES (3, 300)", "UPDATE accounts SET balance = 101 WHERE id = 1",
                "DELETE FROM accounts WHERE id = 2", "INSERT INTO events VALUES (3, '2026-05-01', 'replica')",
                "UPDATE events SET note = 'moved' WHERE id = 1");
        copyIn(source, "accounts", "4\t400\n", "SET session_replication_role = replica");
        assertThat(MoveFixture.strings(source, "SELECT id || ':' || balance FROM accounts ORDER BY id"))
                .containsExactly("1:101", "3:300", "4:400");
        assertThat(MoveFixture.strings(source, "SELECT id || ':' || note FROM events ORDER BY id"))
                .containsExactly("1:moved", "2:b", "3:replica");

        // the function lets these through: the rows really change (a trigger returning NULL would skip them silently)
        execute(source, "SET safeshift.apply = on",
                "INSERT INTO accounts VALUES (5, 500)", "UPDATE accounts SET balance = 102 WHERE id = 1",
                "DELETE FROM accounts WHERE id = 3", "INSERT INTO events VALUES (4, '2025-05-01', 'applied')",
                "UPDATE events SET day = '2026-07-01' WHERE id = 1", "DELETE FROM events WHERE id = 2");
        copyIn(source, "accounts", "6\t600\n", "SET safeshift.apply = on");
        assertThat(MoveFixture.strings(source, "SELECT id || ':' || balance FROM accounts ORDER BY id"))
                .containsExactly("1:102", "4:400", "5:500", "6:600");
        assertThat(MoveFixture.strings(source, "SELECT id || ':' || day || ':' || note FROM events ORDER BY id"))
                .containsExactly("1:2026-07-01:moved", "3:2026-05-01:replica", "4:2025-05-01:applied");

        execute(source, "SET safeshift.apply = on", "TRUNCATE events");
        execute(source, "SET session_replication_role = replica", "TRUNCATE accounts");
        assertThat(count(source, "SELECT count(*) FROM accounts") + count(source, "SELECT count(*) FROM events")).isZero();

        // only those sessions: a session that turned the setting off again, or never set it, is refused
        assertRefused("after turning it off", () -> execute(source, "SET safeshift.apply = on", "SET safeshift.apply = off",
                "INSERT INTO accounts VALUES (7, 700)"), "public.accounts", "orders-2026");
        assertRefused(source, "INSERT INTO accounts VALUES (7, 700)", "public.accounts", "orders-2026");
        assertThat(fixture.engine.closedSourceTables(moves)).isEqualTo(2);
    }

    @Test
    void reopeningLetsEveryWriteThroughAndRemovesTheFunctionOnceNoTableUsesIt() throws Exception {
        MoveFixture fixture = databases("closure_reopen");
        Endpoint source = fixture.source;
        fixture.source("CREATE TABLE audit (id int PRIMARY KEY, note text)",
                "CREATE FUNCTION audit_stamp() RETURNS trigger LANGUAGE plpgsql"
                        + " AS $$ BEGIN NEW.note = 'stamped'; RETURN NEW; END $$",
                "CREATE TRIGGER audit_stamp BEFORE INSERT ON audit FOR EACH ROW EXECUTE FUNCTION audit_stamp()",
                "CREATE SCHEMA untouched", "CREATE TABLE untouched.notes (id int PRIMARY KEY)");
        TableMove accounts = fixture.describe(ACCOUNTS);
        TableMove ledger = fixture.describe(LEDGER);
        TableMove audit = fixture.describe(new QualifiedName("public", "audit"));
        TableMove notes = fixture.describe(new QualifiedName("untouched", "notes"));
        List<TableMove> both = List.of(accounts, ledger);
        try (WriteFence fence = fixture.engine.fenceWrites(both, FenceSettings.DEFAULTS)) {
            fence.liftRefusingWrites("orders-2026");
        }
        assertThat(closureFunctions(source)).containsExactly("safeshift_refuse_write()");

        fixture.engine.reopenSource(List.of(accounts));
        execute(source, "INSERT INTO accounts VALUES (3, 300)", "UPDATE accounts SET balance = 0 WHERE id = 1",
                "DELETE FROM accounts WHERE id = 2");
        copyIn(source, "accounts", "4\t400\n");
        assertThat(MoveFixture.strings(source, "SELECT id || ':' || balance FROM accounts ORDER BY id"))
                .containsExactly("1:0", "3:300", "4:400");
        execute(source, "TRUNCATE accounts");
        assertThat(closureFunctions(source)).as("still used by ledger").containsExactly("safeshift_refuse_write()");
        assertRefused(source, "INSERT INTO ledger VALUES (2, 20)", "public.ledger", "orders-2026");
        assertRefused(source, "TRUNCATE ledger", "public.ledger", "orders-2026");
        assertThat(fixture.engine.closedSourceTables(both)).isEqualTo(1);

        fixture.engine.reopenSource(List.of(ledger));
        execute(source, "INSERT INTO ledger VALUES (2, 20)", "UPDATE ledger SET amount = 11 WHERE id = 1",
                "DELETE FROM ledger WHERE id = 2", "TRUNCATE ledger");
        assertThat(closureTriggers(source)).isEmpty();
        assertThat(closureFunctions(source)).isEmpty();
        assertThat(fixture.engine.closedSourceTables(both)).isZero();

        // again, and on tables that were never closed, in a schema that never had the function: nothing changes
        fixture.engine.reopenSource(both);
        fixture.engine.reopenSource(List.of(audit, notes));
        execute(source, "INSERT INTO audit VALUES (1, 'plain')", "INSERT INTO untouched.notes VALUES (1)",
                "INSERT INTO accounts VALUES (1, 1)");
        assertThat(MoveFixture.text(source, "SELECT note FROM audit")).as("the table's own trigger is kept").isEqualTo("stamped");

        // closing again after reopening works, and names the new migration
        try (WriteFence fence = fixture.engine.fenceWrites(both, FenceSettings.DEFAULTS)) {
            fence.liftRefusingWrites("orders-2027");
        }
        assertRefused(source, "INSERT INTO accounts VALUES (2, 2)", "public.accounts", "orders-2027");
        // a closed table dropped since: reopening the rest still removes the function
        fixture.source("DROP TABLE ledger");
        fixture.engine.reopenSource(both);
        assertThat(closureTriggers(source)).isEmpty();
        assertThat(closureFunctions(source)).isEmpty();
    }

    @Test
    void quotedAndUnicodeNamesCloseAndReopen() throws Exception {
        MoveFixture fixture = new MoveFixture("closure_names");
        this.fixture = fixture;
        Endpoint source = fixture.source;
        fixture.source("CREATE SCHEMA \"Sales Ops\"",
                "CREATE TABLE \"Sales Ops\".\"order-lines.2026\" (id int PRIMARY KEY, qty int)",
                "CREATE TABLE \"ünïcødé\" (id int PRIMARY KEY, qty int)",
                "INSERT INTO \"Sales Ops\".\"order-lines.2026\" VALUES (1, 1)", "INSERT INTO \"ünïcødé\" VALUES (1, 1)");
        String orderLines = "\"Sales Ops\".\"order-lines.2026\"";
        String unicode = "\"public\".\"ünïcødé\"";
        List<TableMove> moves = List.of(fixture.describe(new QualifiedName("Sales Ops", "order-lines.2026")),
                fixture.describe(new QualifiedName("public", "ünïcødé")));
        String migration = "Q3 'orders' 100%";
        try (WriteFence fence = fixture.engine.fenceWrites(moves, FenceSettings.DEFAULTS)) {
            fence.liftRefusingWrites(migration);
        }

        assertThat(fixture.engine.closedSourceTables(moves)).isEqualTo(2);
        for (String table : List.of(orderLines, unicode)) {
            assertRefused(source, "INSERT INTO " + table + " VALUES (2, 2)", table, migration);
            assertRefused(source, "UPDATE " + table + " SET qty = 0", table, migration);
            assertRefused(source, "DELETE FROM " + table, table, migration);
            assertRefused(source, "TRUNCATE " + table, table, migration);
            assertRefused("COPY " + table, () -> copyIn(source, table, "3\t3\n"), table, migration);
        }
        assertThat(closureFunctions(source)).as("one per schema")
                .containsExactlyInAnyOrder("\"Sales Ops\".safeshift_refuse_write()", "safeshift_refuse_write()");

        fixture.engine.reopenSource(moves);
        for (String table : List.of(orderLines, unicode)) {
            execute(source, "INSERT INTO " + table + " VALUES (2, 2)", "UPDATE " + table + " SET qty = 0 WHERE id = 1",
                    "DELETE FROM " + table + " WHERE id = 2");
            copyIn(source, table, "3\t3\n");
            assertThat(MoveFixture.strings(source, "SELECT id || ':' || qty FROM " + table + " ORDER BY id"))
                    .containsExactly("1:0", "3:3");
            execute(source, "TRUNCATE " + table);
        }
        assertThat(closureTriggers(source)).isEmpty();
        assertThat(closureFunctions(source)).isEmpty();
        assertThat(fixture.engine.closedSourceTables(moves)).isZero();
    }

    @Test
    void cutoverProblemsNameTheMissingPrivilegesOfTheSourceUser() throws Exception {
        MoveFixture fixture = new MoveFixture("closure_privileges");
        this.fixture = fixture;
        Endpoint source = fixture.source;
        String database = MoveFixture.text(source, "SELECT current_database()");
        String role = "clerk_" + database;
        fixture.source("CREATE SCHEMA shop", "CREATE TABLE shop.accounts (id int PRIMARY KEY, balance int)",
                "CREATE ROLE " + role + " LOGIN PASSWORD 'clerk-secret'",
                "GRANT CONNECT ON DATABASE " + database + " TO " + role,
                "GRANT USAGE ON SCHEMA shop TO " + role,
                "GRANT SELECT ON shop.accounts TO " + role);
        List<TableMove> moves = List.of(fixture.describe(new QualifiedName("shop", "accounts")));
        Engine clerk = new PostgresEngine(new Endpoint(source.url(), role, Optional.empty(), Optional.of("clerk-secret")),
                fixture.target);

        assertThat(fixture.engine.cutoverProblems(moves)).as("the owner may do it all").isEmpty();
        List<String> problems = clerk.cutoverProblems(moves);
        assertThat(problems).hasSize(3);
        assertThat(problems).anySatisfy(problem -> assertThat(problem)
                .contains("may not lock \"shop\".\"accounts\" against writes").contains("GRANT UPDATE ON"));
        assertThat(problems).anySatisfy(problem -> assertThat(problem)
                .contains("may not create objects in schema \"shop\"").contains("GRANT CREATE ON SCHEMA \"shop\""));
        assertThat(problems).anySatisfy(problem -> assertThat(problem)
                .contains("may not create triggers on \"shop\".\"accounts\"").contains("GRANT TRIGGER ON \"shop\".\"accounts\""));

        fixture.source("GRANT CREATE ON SCHEMA shop TO " + role, "GRANT UPDATE ON shop.accounts TO " + role);
        assertThat(clerk.cutoverProblems(moves)).singleElement().asString().contains("GRANT TRIGGER ON \"shop\".\"accounts\"");
        fixture.source("GRANT TRIGGER ON shop.accounts TO " + role);
        assertThat(clerk.cutoverProblems(moves)).isEmpty();
        assertThat(fixture.engine.cutoverProblems(moves)).isEmpty();
    }

    // --- helpers

    private static void assertRefused(Endpoint source, String sql, String table, String migration) {
        assertRefused(sql, () -> execute(source, sql), table, migration);
    }

    /** The write fails with the read-only SQLSTATE and the closure's message, naming the table as PostgreSQL quotes it. */
    private static void assertRefused(String what, ThrowingCallable write, String table, String migration) {
        Throwable thrown = catchThrowable(write);
        assertThat(thrown).as(what + " is refused").isInstanceOf(PSQLException.class);
        PSQLException refused = (PSQLException) thrown;
        assertThat(refused.getSQLState()).as(what).isEqualTo(READ_ONLY);
        assertThat(refused.getServerErrorMessage().getMessage()).as(what).isEqualTo(table
                + " has moved to another database (Safeshift migration " + migration + ") and takes no writes here");
    }

    /** Runs the statements in one session of their own, in autocommit. */
    private static void execute(Endpoint endpoint, String... statements) throws SQLException {
        try (Connection connection = EmbeddedPostgres.connect(endpoint); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    /** COPY ... FROM STDIN of tab-separated {@code data}, after {@code settings} in the same session. */
    private static void copyIn(Endpoint endpoint, String table, String data, String... settings) throws Exception {
        try (Connection connection = EmbeddedPostgres.connect(endpoint); Statement statement = connection.createStatement()) {
            for (String sql : settings) {
                statement.execute(sql);
            }
            connection.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table + " FROM STDIN", new StringReader(data));
        }
    }

    /** What the writer ended with: its result, or the exception it threw. */
    private static Object outcome(Future<?> writer) throws Throwable {
        try {
            return writer.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause();
        }
    }

    private static long waitingForLocks(Endpoint source) throws SQLException {
        return count(source, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'fenced writer'"
                + " AND wait_event_type = 'Lock'");
    }

    /** Every closure trigger left in the database, with the table it is on. */
    private static List<String> closureTriggers(Endpoint source) {
        return MoveFixture.strings(source, "SELECT tgrelid::regclass || ' ' || tgname FROM pg_trigger"
                + " WHERE tgname LIKE 'safeshift_moved%' ORDER BY 1");
    }

    private static List<String> closureFunctions(Endpoint source) {
        return MoveFixture.strings(source, "SELECT oid::regprocedure::text FROM pg_proc"
                + " WHERE proname = 'safeshift_refuse_write' ORDER BY 1");
    }

    private static long count(Endpoint source, String sql) throws SQLException {
        try (Connection connection = EmbeddedPostgres.connect(source); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
