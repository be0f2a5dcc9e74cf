package dev.safeshift.postgres.check.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safeshift.SafeshiftException;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.postgres.parse.ParsedStatement;
import dev.safeshift.postgres.parse.ParserServer;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What PostgreSQL really does for common schema changes, as the tracer reads it on a scratch copy
 * of the source tables. The same facts are checked on each server the subclasses name; where
 * PostgreSQL 14 and 15 differ, the test says so and checks each version's own behaviour.
 */
abstract class LockTracerContract {

    private static final String PAYMENTS = "public.payments";
    private static final String CUSTOMERS = "public.customers";
    private static final String ACCESS_EXCLUSIVE = "AccessExclusiveLock";

    private final List<Endpoint> sources = new ArrayList<>();

    abstract TraceServer server();

    /** The major version the subclass's server must have, so a test never runs silently on another one. */
    abstract int major();

    private static ParserServer parser;

    /** One parser for all the contract's tests; it is stopped with the JVM. */
    private static synchronized ParserServer parser() {
        if (parser == null) {
            parser = ParserServer.start();
            Runtime.getRuntime().addShutdownHook(new Thread(parser::close));
        }
        return parser;
    }

    @AfterEach
    void dropSources() {
        sources.forEach(server()::drop);
    }

    private Endpoint source(String prefix, String... schema) {
        Endpoint source = server().newDatabase(prefix);
        sources.add(source);
        TraceServer.run(source, schema);
        return source;
    }

    /** Traces {@code statements} on a scratch copy of {@code tables}; each statement's trace by its SQL. */
    private Map<String, TracedStatement> trace(Endpoint source, List<QualifiedName> tables, String... statements)
            throws Exception {
        return trace(false, source, tables, statements);
    }

    /** As {@link #trace(Endpoint, List, String...)}, with statements run outside a transaction observed if {@code observe}. */
    private Map<String, TracedStatement> trace(boolean observe, Endpoint source, List<QualifiedName> tables,
                                               String... statements) throws Exception {
        try (ScratchDatabase scratch = ScratchDatabase.create(source, server().maintenance(), tables);
             Connection connection = scratch.connect()) {
            LockTracer tracer = observe ? new LockTracer(scratch) : new LockTracer();
            List<ParsedStatement> parsed = new ArrayList<>();
            for (String statement : statements) {
                List<ParsedStatement> one = parser().parse(statement, "test.sql", 1);
                assertThat(one).as(statement).hasSize(1);
                parsed.add(one.get(0));
            }
            TraceReport report = tracer.report(connection, parsed);
            assertThat(report.serverVersionNum() / 10000).as("server version").isEqualTo(major());
            Map<String, TracedStatement> bySql = new LinkedHashMap<>();
            report.statements().forEach(s -> bySql.put(s.sql(), s));
            assertThat(bySql).hasSize(statements.length);
            return bySql;
        }
    }

    private static final String CHECK = "ALTER TABLE payments ADD CONSTRAINT amount_positive CHECK (amount > 0)";
    private static final String CHECK_NOT_VALID =
            "ALTER TABLE payments ADD CONSTRAINT note_not_empty CHECK (note <> '') NOT VALID";
    private static final String VALIDATE = "ALTER TABLE payments VALIDATE CONSTRAINT note_not_empty";
    private static final String INDEX = "CREATE INDEX payments_created ON payments (created)";
    private static final String INDEX_CONCURRENTLY = "CREATE INDEX CONCURRENTLY payments_note ON payments (note)";
    private static final String AMOUNT_BIGINT = "ALTER TABLE payments ALTER COLUMN amount TYPE bigint";
    private static final String NOTE_WIDER = "ALTER TABLE payments ALTER COLUMN note TYPE varchar(20)";
    private static final String NOTE_NARROWER = "ALTER TABLE payments ALTER COLUMN note TYPE varchar(5)";
    private static final String NOTE_WIDER_CHECKED = "ALTER TABLE payments ALTER COLUMN note TYPE varchar(30)";
    private static final String VOLATILE_DEFAULT =
            "ALTER TABLE payments ADD COLUMN settled timestamptz DEFAULT clock_timestamp()";
    private static final String STABLE_DEFAULT = "ALTER TABLE payments ADD COLUMN booked timestamptz DEFAULT now()";
    private static final String NOT_NULL = "ALTER TABLE payments ALTER COLUMN created SET NOT NULL";
    private static final String ADD_COLUMN = "ALTER TABLE payments ADD COLUMN customer_id bigint";
    private static final String INDEX_ON_ADDED = "CREATE INDEX payments_customer ON payments (customer_id)";
    private static final String FOREIGN_KEY = "ALTER TABLE payments ADD CONSTRAINT payments_customer_fk "
            + "FOREIGN KEY (customer_id) REFERENCES customers (id)";
    private static final String FOREIGN_KEY_NOT_VALID = "ALTER TABLE payments ADD CONSTRAINT payments_customer_fk2 "
            + "FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID";
    private static final String FAILS = "ALTER TABLE payments ADD CONSTRAINT broken "
            + "FOREIGN KEY (customer_id) REFERENCES missing_table (id)";
    private static final String AFTER_FAILURE = "ALTER TABLE payments ADD CONSTRAINT note_short CHECK (length(note) < 6)";

    @Test
    void schemaChangesOnPayments() throws Exception {
        Endpoint source = source("payments",
                "CREATE TABLE customers (id bigint PRIMARY KEY, name text)",
                "CREATE TABLE payments (id bigint PRIMARY KEY, amount int, note varchar(10), created timestamptz)");
        Map<String, TracedStatement> trace = trace(source,
                List.of(new QualifiedName("public", "customers"), new QualifiedName("public", "payments")),
                "SELECT 1", CHECK, INDEX, INDEX_CONCURRENTLY, NOTE_WIDER, NOTE_NARROWER, CHECK_NOT_VALID, VALIDATE,
                NOTE_WIDER_CHECKED, AMOUNT_BIGINT, VOLATILE_DEFAULT, STABLE_DEFAULT, NOT_NULL, ADD_COLUMN, INDEX_ON_ADDED,
                FOREIGN_KEY, FOREIGN_KEY_NOT_VALID, FAILS, AFTER_FAILURE);

        // The tracer's own catalog reads lock nothing it reports.
        assertThat(trace.get("SELECT 1").locks()).isEmpty();
        trace.values().stream().filter(s -> !s.sql().equals(FAILS))
                .forEach(s -> assertThat(s.error()).as(s.sql()).isEmpty());

        TracedStatement check = trace.get(CHECK);
        assertThat(check.traced()).isTrue();
        assertThat(check.locks()).containsExactly(new HeldLock(PAYMENTS, ACCESS_EXCLUSIVE));
        assertThat(check.scanned()).containsExactly(PAYMENTS);
        assertThat(check.rewritten()).isEmpty();

        TracedStatement notValid = trace.get(CHECK_NOT_VALID);
        assertThat(notValid.locks()).containsExactly(new HeldLock(PAYMENTS, ACCESS_EXCLUSIVE));
        assertThat(notValid.scanned()).isEmpty();
        assertThat(notValid.rewritten()).isEmpty();

        TracedStatement validate = trace.get(VALIDATE);
        assertThat(validate.locks()).containsExactly(new HeldLock(PAYMENTS, "ShareUpdateExclusiveLock"));
        assertThat(validate.scanned()).containsExactly(PAYMENTS);
        assertThat(validate.rewritten()).isEmpty();

        // The new index is locked too, but nobody else can see it before the transaction commits.
        TracedStatement index = trace.get(INDEX);
        assertThat(index.locks()).containsExactly(new HeldLock(PAYMENTS, "ShareLock"),
                new HeldLock("public.payments_created", ACCESS_EXCLUSIVE));
        assertThat(index.strongestLockOn(PAYMENTS)).contains("ShareLock");
        assertThat(index.scanned()).containsExactly(PAYMENTS);
        assertThat(index.rewritten()).isEmpty();

        TracedStatement concurrently = trace.get(INDEX_CONCURRENTLY);
        assertThat(concurrently.traced()).isFalse();
        assertThat(concurrently.notTracedReason()).hasValueSatisfying(reason -> assertThat(reason)
                .contains("CREATE INDEX CONCURRENTLY cannot run inside a transaction block", "25001",
                        "applied outside a transaction"));
        assertThat(concurrently.locks()).isEmpty();
        assertThat(concurrently.error()).isEmpty();

        // A rewrite gives the table and every index new storage.
        TracedStatement bigint = trace.get(AMOUNT_BIGINT);
        assertThat(bigint.strongestLockOn(PAYMENTS)).contains(ACCESS_EXCLUSIVE);
        assertThat(bigint.rewritten()).containsExactly(PAYMENTS, "public.payments_created", "public.payments_note",
                "public.payments_pkey");
        assertThat(bigint.scanned()).containsExactly(PAYMENTS);

        // Widening a varchar keeps the rows, and the index on the column built CONCURRENTLY just before
        // (PostgreSQL builds it again on the storage it had).
        TracedStatement wider = trace.get(NOTE_WIDER);
        assertThat(wider.strongestLockOn(PAYMENTS)).contains(ACCESS_EXCLUSIVE);
        assertThat(wider.rewritten()).isEmpty();
        assertThat(wider.scanned()).isEmpty();

        // Narrowing one is no check of the lengths only: PostgreSQL rewrites the table and its indexes.
        TracedStatement narrower = trace.get(NOTE_NARROWER);
        assertThat(narrower.strongestLockOn(PAYMENTS)).contains(ACCESS_EXCLUSIVE);
        assertThat(narrower.rewritten()).containsExactly(PAYMENTS, "public.payments_created", "public.payments_note",
                "public.payments_pkey");
        assertThat(narrower.scanned()).containsExactly(PAYMENTS);

        // Widening a column a CHECK constraint uses rewrites nothing, but checks the constraint again: a scan.
        TracedStatement widerChecked = trace.get(NOTE_WIDER_CHECKED);
        assertThat(widerChecked.rewritten()).isEmpty();
        assertThat(widerChecked.scanned()).containsExactly(PAYMENTS);

        TracedStatement volatileDefault = trace.get(VOLATILE_DEFAULT);
        assertThat(volatileDefault.strongestLockOn(PAYMENTS)).contains(ACCESS_EXCLUSIVE);
        assertThat(volatileDefault.rewrote(PAYMENTS)).isTrue();

        TracedStatement stableDefault = trace.get(STABLE_DEFAULT);
        assertThat(stableDefault.locks()).containsExactly(new HeldLock(PAYMENTS, ACCESS_EXCLUSIVE));
        assertThat(stableDefault.rewritten()).isEmpty();
        assertThat(stableDefault.scanned()).isEmpty();

        TracedStatement notNull = trace.get(NOT_NULL);
        assertThat(notNull.locks()).containsExactly(new HeldLock(PAYMENTS, ACCESS_EXCLUSIVE));
        assertThat(notNull.scanned()).containsExactly(PAYMENTS);
        assertThat(notNull.rewritten()).isEmpty();

        // Applied for real, the added column is there for the index of the next statement.
        assertThat(trace.get(ADD_COLUMN).rewritten()).isEmpty();
        TracedStatement indexOnAdded = trace.get(INDEX_ON_ADDED);
        assertThat(indexOnAdded.error()).isEmpty();
        assertThat(indexOnAdded.strongestLockOn(PAYMENTS)).contains("ShareLock");

        // Validating the key reads the referencing table; the referenced one is not read while the
        // referencing table is empty (PostgreSQL never starts the join's other side).
        TracedStatement foreignKey = trace.get(FOREIGN_KEY);
        assertThat(foreignKey.strongestLockOn(PAYMENTS)).contains("ShareRowExclusiveLock");
        assertThat(foreignKey.strongestLockOn(CUSTOMERS)).contains("ShareRowExclusiveLock");
        assertThat(foreignKey.scanned()).containsExactly(PAYMENTS);
        assertThat(foreignKey.rewritten()).isEmpty();

        TracedStatement foreignKeyNotValid = trace.get(FOREIGN_KEY_NOT_VALID);
        assertThat(foreignKeyNotValid.strongestLockOn(PAYMENTS)).contains("ShareRowExclusiveLock");
        assertThat(foreignKeyNotValid.strongestLockOn(CUSTOMERS)).contains("ShareRowExclusiveLock");
        assertThat(foreignKeyNotValid.scanned()).isEmpty();
        // PostgreSQL 14 and 15 differ: 15 also opens the referenced key's index (AccessShareLock) for a NOT VALID key.
        if (major() >= 15) {
            assertThat(foreignKeyNotValid.locks()).contains(new HeldLock("public.customers_pkey", "AccessShareLock"));
        } else {
            assertThat(foreignKeyNotValid.locks()).noneMatch(l -> l.relation().equals("public.customers_pkey"));
        }

        TracedStatement fails = trace.get(FAILS);
        assertThat(fails.traced()).isTrue();
        assertThat(fails.error()).contains("relation \"missing_table\" does not exist (SQLSTATE 42P01)");
        assertThat(fails.locks()).isEmpty();
        TracedStatement afterFailure = trace.get(AFTER_FAILURE);
        assertThat(afterFailure.error()).isEmpty();
        assertThat(afterFailure.locks()).containsExactly(new HeldLock(PAYMENTS, ACCESS_EXCLUSIVE));
        assertThat(afterFailure.scanned()).containsExactly(PAYMENTS);

        // The source was only read.
        assertThat(TraceServer.text(source, "SELECT count(*) FROM pg_constraint WHERE conrelid = 'payments'::regclass"))
                .isEqualTo("1");
        assertThat(TraceServer.text(source, "SELECT count(*) FROM pg_attribute WHERE attrelid = 'payments'::regclass "
                + "AND attnum > 0")).isEqualTo("4");
    }

    @Test
    void enumColumn() throws Exception {
        Endpoint source = source("enum",
                "CREATE TYPE mood AS ENUM ('sad', 'ok')",
                "CREATE TABLE people (id int PRIMARY KEY, m mood NOT NULL DEFAULT 'ok')");
        String addValue = "ALTER TYPE mood ADD VALUE 'happy'";
        String useValue = "INSERT INTO people VALUES (1, 'happy')";
        String toText = "ALTER TABLE people ALTER COLUMN m TYPE text";
        // The parser analyses an INSERT against the tables it has, as safeshift check defines them there.
        parser().define("CREATE TABLE IF NOT EXISTS people (id int, m text)");
        Map<String, TracedStatement> trace = trace(source, List.of(new QualifiedName("public", "people")),
                addValue, useValue, toText);

        // Adding a value locks the type only, not the tables that use it.
        assertThat(trace.get(addValue).locks()).containsExactly(new HeldLock("type public.mood", "ExclusiveLock"));
        assertThat(trace.get(addValue).rewritten()).isEmpty();
        // The new value was committed before the next statement, which could not use it in the same transaction.
        assertThat(trace.get(useValue).error()).isEmpty();
        assertThat(trace.get(useValue).locks()).containsExactly(new HeldLock("public.people", "RowExclusiveLock"));

        TracedStatement text = trace.get(toText);
        assertThat(text.strongestLockOn("public.people")).contains(ACCESS_EXCLUSIVE);
        assertThat(text.rewritten()).containsExactly("public.people", "public.people_pkey");
        assertThat(text.scanned()).contains("public.people");
        // text needs a TOAST table, which the rewrite creates; it is named by its table.
        assertThat(text.strongestLockOn("public.people (toast)")).contains(ACCESS_EXCLUSIVE);
        // PostgreSQL 14 and 15 differ: 15 also locks the column's old type (AccessShareLock) when changing it.
        if (major() >= 15) {
            assertThat(text.locks()).contains(new HeldLock("type public.mood", "AccessShareLock"));
        } else {
            assertThat(text.locks()).noneMatch(l -> l.relation().equals("type public.mood"));
        }
    }

    @Test
    void quotedUnicodeNames() throws Exception {
        Endpoint source = source("unicode",
                "CREATE SCHEMA \"Kasse\"",
                "CREATE TABLE \"Kasse\".\"Zahlungen ä\" (id bigint PRIMARY KEY, \"Betrag €\" int, note text)");
        String check = "ALTER TABLE \"Kasse\".\"Zahlungen ä\" ADD CONSTRAINT \"Betrag > 0\" CHECK (\"Betrag €\" > 0)";
        String bigint = "ALTER TABLE \"Kasse\".\"Zahlungen ä\" ALTER COLUMN \"Betrag €\" TYPE bigint";
        Map<String, TracedStatement> trace = trace(source, List.of(new QualifiedName("Kasse", "Zahlungen ä")), check, bigint);

        String table = "\"Kasse\".\"Zahlungen ä\"";
        assertThat(new QualifiedName("Kasse", "Zahlungen ä")).hasToString(table);
        assertThat(trace.get(check).locks()).containsExactly(new HeldLock(table, ACCESS_EXCLUSIVE));
        assertThat(trace.get(check).scanned()).containsExactly(table);
        assertThat(trace.get(bigint).rewritten()).containsExactlyInAnyOrder(table, table + " (toast)", table + " (toast index)",
                "\"Kasse\".\"Zahlungen ä_pkey\"");
    }

    @Test
    void copiesTheDefinitionsAsTheSourceHasThem() throws Exception {
        Endpoint source = source("copy",
                "CREATE TYPE mood AS ENUM ('sad', 'ok')",
                "CREATE DOMAIN positive AS int CHECK (VALUE > 0)",
                "CREATE TYPE price AS (amount int, currency text)",
                "CREATE SEQUENCE shared_numbers START 100 INCREMENT 5",
                "CREATE TABLE regions (id int PRIMARY KEY)",
                "CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY (START WITH 7) PRIMARY KEY, code text UNIQUE)",
                """
                CREATE TABLE orders (
                  id serial PRIMARY KEY,
                  customer_id bigint CONSTRAINT customer_fk REFERENCES customers (id),
                  number bigint NOT NULL DEFAULT nextval('shared_numbers'),
                  m mood NOT NULL DEFAULT 'ok',
                  qty positive,
                  price price,
                  total int GENERATED ALWAYS AS (qty * 2) STORED,
                  during tsrange,
                  region_id int,
                  CONSTRAINT qty_small CHECK (qty < 1000),
                  CONSTRAINT no_overlap EXCLUDE USING gist (during WITH &&))""",
                "ALTER TABLE orders ADD CONSTRAINT region_fk FOREIGN KEY (region_id) REFERENCES regions (id) NOT VALID",
                "ALTER TABLE orders ADD CONSTRAINT customer_fk2 FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID",
                "ALTER TABLE orders ADD CONSTRAINT qty_even CHECK (qty % 2 = 0) NOT VALID",
                "CREATE INDEX orders_by_customer ON orders (customer_id) INCLUDE (qty)");
        List<QualifiedName> tables = List.of(new QualifiedName("public", "customers"), new QualifiedName("public", "orders"));
        try (ScratchDatabase scratch = ScratchDatabase.create(source, server().maintenance(), tables)) {
            assertThat(scratch.name()).matches("safeshift_trace_[0-9a-f]{12}");
            for (String table : List.of("customers", "orders")) {
                List<String> copied = definition(scratch.endpoint(), table);
                assertThat(copied).as(table).isNotEmpty()
                        .containsExactlyElementsOf(definition(source, table).stream()
                                .filter(line -> !line.contains("region_fk")).toList());
            }
            // Foreign keys to tables that were not copied are left out, and said so.
            assertThat(scratch.notes()).anySatisfy(note -> assertThat(note).contains("region_fk", "public.regions"));
            assertThat(TraceServer.strings(scratch.endpoint(), "SELECT format('%s %s %s', seqrelid::regclass, seqstart, "
                    + "seqincrement) FROM pg_sequence ORDER BY 1"))
                    .containsExactly("customers_id_seq 7 1", "orders_id_seq 1 1", "shared_numbers 100 5");
            // Only the user's relations: the move engine's bookkeeping is gone.
            assertThat(TraceServer.text(scratch.endpoint(), "SELECT count(*) FROM pg_namespace WHERE nspname = 'safeshift'"))
                    .isEqualTo("0");
        }
    }

    /** A table's columns, constraints and indexes as the catalog prints them, one line each. */
    private static List<String> definition(Endpoint endpoint, String table) {
        return TraceServer.strings(endpoint, """
                SELECT line FROM (
                  SELECT 'column ' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' notnull=' || a.attnotnull
                         || ' identity=' || a.attidentity::text || ' generated=' || a.attgenerated::text
                         || ' default=' || coalesce(pg_get_expr(d.adbin, d.adrelid), '') AS line
                    FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                   WHERE a.attrelid = '%1$s'::regclass AND a.attnum > 0 AND NOT a.attisdropped
                  UNION ALL
                  SELECT 'constraint ' || conname || ' ' || pg_get_constraintdef(oid) || ' validated=' || convalidated
                    FROM pg_constraint WHERE conrelid = '%1$s'::regclass
                  UNION ALL
                  SELECT 'index ' || pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = '%1$s'::regclass) l
                 ORDER BY line""".formatted(table));
    }

    /** A move refuses a table without a primary key; a trace copies it without one, so adding one can be traced. */
    @Test
    void tableWithoutPrimaryKey() throws Exception {
        Endpoint source = source("nokey", "CREATE TABLE audit_log (at timestamptz, message text)");
        String addKey = "ALTER TABLE audit_log ADD PRIMARY KEY (at)";
        Map<String, TracedStatement> trace = trace(source, List.of(new QualifiedName("public", "audit_log")), addKey);
        TracedStatement key = trace.get(addKey);
        assertThat(key.error()).isEmpty();
        assertThat(key.strongestLockOn("public.audit_log")).contains(ACCESS_EXCLUSIVE);
        assertThat(key.locks()).contains(new HeldLock("public.audit_log_pkey", ACCESS_EXCLUSIVE));
        assertThat(key.scanned()).contains("public.audit_log");
        assertThat(key.rewritten()).isEmpty();
    }

    @Test
    void refusesPartitionedTablesLoudlyAndLeavesNothing() {
        Endpoint source = source("partitioned",
                "CREATE TABLE events (id int, at date) PARTITION BY RANGE (at)",
                "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
                "CREATE TABLE plain (id int PRIMARY KEY)",
                "CREATE UNLOGGED TABLE scratchpad (id int PRIMARY KEY)");
        List<String> before = server().databases("safeshift_trace_");
        assertThatThrownBy(() -> ScratchDatabase.create(source, server().maintenance(), List.of(
                new QualifiedName("public", "plain"), new QualifiedName("public", "events"),
                new QualifiedName("public", "events_2024"), new QualifiedName("public", "scratchpad"))))
                .isInstanceOf(SafeshiftException.class)
                .hasMessageContaining("public.events is partitioned: partitioned tables are not copied yet")
                .hasMessageContaining("public.events_2024 is a partition of public.events: partitioned tables are not "
                        + "copied yet")
                .hasMessageContaining("public.scratchpad is UNLOGGED: unlogged tables are not copied yet")
                .hasMessageNotContaining("public.plain");
        assertThat(server().databases("safeshift_trace_")).isEqualTo(before);
    }

    @Test
    void closeDropsTheDatabaseEvenWithConnectionsLeftOpen() throws Exception {
        Endpoint source = source("close", "CREATE TABLE t (id int PRIMARY KEY)");
        ScratchDatabase scratch = ScratchDatabase.create(source, server().maintenance(),
                List.of(new QualifiedName("public", "t")));
        Connection leftOpen = scratch.connect();
        assertThat(server().databases(scratch.name())).containsExactly(scratch.name());
        scratch.close();
        assertThat(server().databases(scratch.name())).isEmpty();
        assertThat(leftOpen.isValid(5)).isFalse();
        leftOpen.close();
    }

    @Test
    void runsNothingOutsideAScratchDatabase() throws Exception {
        Endpoint source = source("refuse", "CREATE TABLE t (id int PRIMARY KEY)");
        try (Connection connection = TraceServer.connect(source)) {
            List<ParsedStatement> statements = parser().parse("ALTER TABLE t ADD COLUMN x int", "test.sql", 1);
            assertThatThrownBy(() -> new LockTracer().trace(connection, statements))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a scratch database");
        }
        assertThat(TraceServer.text(source, "SELECT count(*) FROM pg_attribute WHERE attrelid = 't'::regclass "
                + "AND attnum > 0")).isEqualTo("1");
    }

    @Test
    void neverRunsTransactionControlOrServerWideStatements() throws Exception {
        Endpoint source = source("serverwide", "CREATE TABLE t (id int PRIMARY KEY)");
        String role = "trace_it_" + Long.toHexString(System.nanoTime());
        String createRole = "CREATE ROLE " + role;
        String commits = "DO $$ BEGIN CREATE TABLE made_by_do (id int); COMMIT; END $$";
        Map<String, TracedStatement> trace = trace(source, List.of(new QualifiedName("public", "t")),
                "BEGIN", createRole, "COMMIT", commits, "SELECT count(*) FROM made_by_do");
        assertThat(trace.get("BEGIN").notTracedReason()).hasValueSatisfying(r -> assertThat(r).contains("transaction control"));
        assertThat(trace.get("COMMIT").traced()).isFalse();
        assertThat(trace.get(createRole).notTracedReason())
                .hasValueSatisfying(r -> assertThat(r).contains("whole scratch server"));
        assertThat(TraceServer.text(server().maintenance(), "SELECT count(*) FROM pg_roles WHERE rolname = '" + role + "'"))
                .isEqualTo("0");
        // A procedure that commits cannot run in the traced transaction (2D000): it is applied on its own.
        assertThat(trace.get(commits).notTracedReason()).hasValueSatisfying(r -> assertThat(r).contains("2D000"));
        assertThat(trace.get("SELECT count(*) FROM made_by_do").error()).isEmpty();
    }

    /**
     * Statements PostgreSQL runs only outside a transaction block are observed from a second session
     * that holds ROW EXCLUSIVE locks on every table: the concurrent index commands wait for it with
     * their SHARE UPDATE EXCLUSIVE lock held, VACUUM FULL waits for its ACCESS EXCLUSIVE lock, and
     * plain VACUUM never waits, so it is not observed.
     */
    @Test
    void observesStatementsRunOutsideATransaction() throws Exception {
        Endpoint source = source("outside",
                "CREATE TABLE payments (id bigint PRIMARY KEY, amount int, note varchar(10), created timestamptz)");
        String create = "CREATE INDEX CONCURRENTLY payments_note ON payments (note)";
        String reindex = "REINDEX INDEX CONCURRENTLY payments_note";
        String drop = "DROP INDEX CONCURRENTLY payments_note";
        String again = "CREATE INDEX payments_note ON payments (note)";
        String vacuum = "VACUUM payments";
        String vacuumFull = "VACUUM FULL payments";
        Map<String, TracedStatement> trace = trace(true, source, List.of(new QualifiedName("public", "payments")),
                create, reindex, drop, again, vacuum, vacuumFull);
        trace.values().forEach(s -> assertThat(s.error()).as(s.sql()).isEmpty());

        TracedStatement created = trace.get(create);
        assertThat(created.traced()).isFalse();
        assertThat(created.notTracedReason()).hasValueSatisfying(r -> assertThat(r).contains("25001", "observed"));
        assertThat(created.locks()).containsExactly(new HeldLock(PAYMENTS, "ShareUpdateExclusiveLock"));
        assertThat(created.rewritten()).isEmpty();

        TracedStatement reindexed = trace.get(reindex);
        assertThat(reindexed.strongestLockOn(PAYMENTS)).contains("ShareUpdateExclusiveLock");
        assertThat(reindexed.strongestLockOn("public.payments_note")).contains("ShareUpdateExclusiveLock");

        TracedStatement dropped = trace.get(drop);
        assertThat(dropped.locks()).containsExactly(new HeldLock(PAYMENTS, "ShareUpdateExclusiveLock"),
                new HeldLock("public.payments_note", "ShareUpdateExclusiveLock"));
        // It was applied: the index can be made again under its name.
        assertThat(trace.get(again).traced()).isTrue();

        TracedStatement vacuumed = trace.get(vacuum);
        assertThat(vacuumed.locks()).isEmpty();
        assertThat(vacuumed.notTracedReason()).hasValueSatisfying(r -> assertThat(r).contains("not observed"));

        // Seen while it waits for its lock: the lock it asks for.
        assertThat(trace.get(vacuumFull).locks()).containsExactly(new HeldLock(PAYMENTS, ACCESS_EXCLUSIVE));
    }
}
