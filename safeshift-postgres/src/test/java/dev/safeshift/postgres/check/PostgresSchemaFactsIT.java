package dev.safeshift.postgres.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safeshift.plan.QualifiedName;
import dev.safeshift.postgres.check.SchemaFacts.ConstraintKind;
import dev.safeshift.postgres.check.SchemaFacts.RelationKind;
import dev.safeshift.postgres.check.SchemaFacts.Volatility;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link PostgresSchemaFacts} against real servers: PostgreSQL 15 on the machine and the embedded 14. */
class PostgresSchemaFactsIT {

    private static final String[] SCHEMA = {
            "CREATE TYPE payment_status AS ENUM ('new', 'paid')",
            "CREATE DOMAIN positive_int AS int CHECK (VALUE > 0)",
            "CREATE DOMAIN plain_int AS int",
            "CREATE DOMAIN short_code AS varchar(8)",
            "CREATE TABLE customers (id bigint PRIMARY KEY, email varchar(50))",
            "CREATE TABLE payments (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                    + "customer_id bigint REFERENCES customers, amount int NOT NULL DEFAULT 0, note varchar(10), "
                    + "price numeric(10,2), qty positive_int, code short_code, doubled int GENERATED ALWAYS AS (amount * 2) STORED, "
                    + "checked int CONSTRAINT checked_nn CHECK (checked IS NOT NULL), "
                    + "checked_and int CONSTRAINT checked_and_nn CHECK (checked_and IS NOT NULL AND checked_and > 1), "
                    + "negated int CONSTRAINT negated_nn CHECK (NOT (negated IS NULL)), "
                    + "positive int CONSTRAINT positive_check CHECK (positive > 0), "
                    + "either int, other int, CONSTRAINT either_nn CHECK (either IS NOT NULL OR other IS NOT NULL), "
                    + "pending int)",
            "ALTER TABLE payments ADD CONSTRAINT pending_nn CHECK (pending IS NOT NULL) NOT VALID",
            "CREATE INDEX payments_note ON payments (note)",
            "CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at)",
            "CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
            "CREATE SCHEMA \"Büro\"",
            "CREATE TABLE \"Büro\".\"Zahlungen ä\" (\"Betrag €\" int NOT NULL)",
            "CREATE INDEX \"Index ö\" ON \"Büro\".\"Zahlungen ä\" (\"Betrag €\")",
            "CREATE SCHEMA shadow",
            "CREATE TABLE shadow.customers (id int)",
            "CREATE FUNCTION shadow.next_code() RETURNS text LANGUAGE sql STABLE AS 'SELECT ''x'''",
            "INSERT INTO customers VALUES (1, 'a@example.com')",
            "INSERT INTO payments (customer_id, note, checked, checked_and, negated, positive, either, pending) "
                    + "VALUES (1, 'n', 1, 2, 3, 4, 5, 6)"};

    private static List<TestServers.Database> databases;

    @BeforeAll
    static void create() throws SQLException {
        databases = TestServers.both("check_facts");
        for (TestServers.Database database : databases) {
            database.run(SCHEMA);
        }
    }

    @AfterAll
    static void drop() throws SQLException {
        for (TestServers.Database database : databases) {
            database.drop();
        }
    }

    static Stream<TestServers.Database> servers() {
        return databases.stream();
    }

    @ParameterizedTest
    @MethodSource("servers")
    void describesColumnsWithTypesModifiersDefaultsAndKinds(TestServers.Database database) throws SQLException {
        try (Connection connection = database.connect()) {
            SchemaFacts facts = new PostgresSchemaFacts(connection);
            SchemaFacts.Table payments = facts.table(Optional.empty(), "payments").orElseThrow();

            assertThat(payments.name()).isEqualTo(new QualifiedName("public", "payments"));
            assertThat(payments.kind()).isEqualTo(RelationKind.TABLE);
            SchemaFacts.Column note = payments.column("note").orElseThrow();
            assertThat(note.type().name()).isEqualTo("varchar");
            assertThat(note.typmod()).isEqualTo(14);
            assertThat(note.displayType()).isEqualTo("character varying(10)");
            assertThat(note.notNull()).isFalse();
            assertThat(payments.column("price").orElseThrow().typmod()).isEqualTo((10 << 16 | 2) + 4);
            SchemaFacts.Column amount = payments.column("amount").orElseThrow();
            assertThat(amount.notNull()).isTrue();
            assertThat(amount.defaultValue()).contains("0");
            assertThat(payments.column("id").orElseThrow().identity()).isTrue();
            assertThat(payments.column("doubled").orElseThrow().generated()).isTrue();
            SchemaFacts.Column quantity = payments.column("qty").orElseThrow();
            assertThat(quantity.type().domain()).isTrue();
            assertThat(quantity.type().domainHasConstraints()).isTrue();
            assertThat(quantity.type().baseName()).isEqualTo("int4");
            SchemaFacts.Column code = payments.column("code").orElseThrow();
            assertThat(code.type().baseName()).isEqualTo("varchar");
            assertThat(code.type().baseTypmod()).as("the domain's own length").isEqualTo(12);
            assertThat(code.type().domainHasConstraints()).isFalse();
        }
    }

    @ParameterizedTest
    @MethodSource("servers")
    void describesConstraintsIndexesReferencesAndPartitions(TestServers.Database database) throws SQLException {
        try (Connection connection = database.connect()) {
            SchemaFacts facts = new PostgresSchemaFacts(connection);
            SchemaFacts.Table payments = facts.table(Optional.of("public"), "payments").orElseThrow();
            SchemaFacts.Table customers = facts.table(Optional.empty(), "customers").orElseThrow();

            SchemaFacts.Constraint foreignKey = payments.constraint("payments_customer_id_fkey").orElseThrow();
            assertThat(foreignKey.kind()).isEqualTo(ConstraintKind.FOREIGN_KEY);
            assertThat(foreignKey.columns()).containsExactly("customer_id");
            assertThat(foreignKey.references()).contains(new QualifiedName("public", "customers"));
            assertThat(payments.constraint("pending_nn").orElseThrow().validated()).isFalse();
            assertThat(payments.constraint("checked_nn").orElseThrow().validated()).isTrue();
            assertThat(payments.indexesOn("note")).extracting(SchemaFacts.Index::name).containsExactly("payments_note");
            assertThat(payments.indexes()).anySatisfy(i -> assertThat(i.primary()).isTrue());
            assertThat(customers.referencing("id")).extracting(SchemaFacts.ForeignKey::table)
                    .containsExactly(new QualifiedName("public", "payments"));
            assertThat(facts.tableOfIndex(Optional.empty(), "payments_note"))
                    .contains(new QualifiedName("public", "payments"));

            SchemaFacts.Table events = facts.table(Optional.empty(), "events").orElseThrow();
            assertThat(events.kind()).isEqualTo(RelationKind.PARTITIONED_TABLE);
            assertThat(events.partitions()).containsExactly(new QualifiedName("public", "events_2025"));
            assertThat(facts.table(Optional.empty(), "events_2025").orElseThrow().parent())
                    .contains(new QualifiedName("public", "events"));
            assertThat(facts.table(Optional.empty(), "nowhere")).isEmpty();
            assertThat(facts.table(Optional.of("no_such_schema"), "payments")).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("servers")
    void resolvesQuotedUnicodeNamesExactly(TestServers.Database database) throws SQLException {
        try (Connection connection = database.connect()) {
            SchemaFacts facts = new PostgresSchemaFacts(connection);

            SchemaFacts.Table table = facts.table(Optional.of("Büro"), "Zahlungen ä").orElseThrow();
            assertThat(table.name()).isEqualTo(new QualifiedName("Büro", "Zahlungen ä"));
            assertThat(table.column("Betrag €").orElseThrow().notNull()).isTrue();
            assertThat(facts.tableOfIndex(Optional.of("Büro"), "Index ö")).contains(table.name());
            assertThat(facts.table(Optional.of("büro"), "Zahlungen ä")).as("names are exact, not folded").isEmpty();
            assertThat(facts.tablesIn("Büro")).containsExactly(table.name());
            assertThat(facts.table(Optional.of("Büro"), "zahlungen ä")).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("servers")
    void resolvesUnqualifiedNamesThroughTheSearchPathAsTheServerDoes(TestServers.Database database) throws SQLException {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            statement.execute("SET search_path = shadow, public");
            SchemaFacts facts = new PostgresSchemaFacts(connection);

            assertThat(facts.table(Optional.empty(), "customers").orElseThrow().name())
                    .isEqualTo(new QualifiedName("shadow", "customers"));
            assertThat(facts.table(Optional.empty(), "payments").orElseThrow().name())
                    .isEqualTo(new QualifiedName("public", "payments"));
            assertThat(facts.creationSchema()).isEqualTo("shadow");
            assertThat(facts.functionVolatility(List.of("next_code"))).contains(Volatility.STABLE);
        }
    }

    @ParameterizedTest
    @MethodSource("servers")
    void knowsVolatilityTypesAndCasts(TestServers.Database database) throws SQLException {
        try (Connection connection = database.connect()) {
            SchemaFacts facts = new PostgresSchemaFacts(connection);

            assertThat(facts.serverVersion()).isGreaterThanOrEqualTo(140000);
            assertThat(facts.functionVolatility(List.of("random"))).contains(Volatility.VOLATILE);
            assertThat(facts.functionVolatility(List.of("gen_random_uuid"))).contains(Volatility.VOLATILE);
            assertThat(facts.functionVolatility(List.of("now"))).contains(Volatility.STABLE);
            assertThat(facts.functionVolatility(List.of("pg_catalog", "lower"))).contains(Volatility.IMMUTABLE);
            assertThat(facts.functionVolatility(List.of("next_code"))).as("not on the search path").isEmpty();
            assertThat(facts.functionVolatility(List.of("shadow", "next_code"))).contains(Volatility.STABLE);
            assertThat(facts.operatorVolatility(List.of("||"))).isPresent();

            SchemaFacts.Type varchar = facts.type(List.of("pg_catalog", "varchar")).orElseThrow();
            SchemaFacts.Type text = facts.type(List.of("text")).orElseThrow();
            SchemaFacts.Type int4 = facts.type(List.of("int4")).orElseThrow();
            SchemaFacts.Type int8 = facts.type(List.of("pg_catalog", "int8")).orElseThrow();
            assertThat(varchar.builtIn()).isTrue();
            assertThat(facts.binaryCoercible(varchar.oid(), text.oid())).isTrue();
            assertThat(facts.binaryCoercible(int4.oid(), int8.oid())).isFalse();
            assertThat(facts.type(List.of("payment_status")).orElseThrow().domain()).isFalse();
            assertThat(facts.type(List.of("plain_int")).orElseThrow().domainHasConstraints()).isFalse();
            SchemaFacts.Type positive = facts.type(List.of("positive_int")).orElseThrow();
            assertThat(facts.tablesUsingType(positive.oid())).containsExactly(new QualifiedName("public", "payments"));
            assertThat(facts.type(List.of("serial"))).as("serial is not a type").isEmpty();
        }
    }

    /**
     * The NOT NULL proof is checked against the server itself: for every column, SET NOT NULL runs
     * in a transaction that is rolled back, and the table is read exactly when the facts say the
     * server cannot prove the column not null.
     */
    @ParameterizedTest
    @MethodSource("servers")
    void provesNotNullExactlyWhenTheServerSkipsTheScan(TestServers.Database database) throws SQLException {
        List<String> columns = List.of("checked", "checked_and", "negated", "positive", "either", "pending", "note");
        try (Connection connection = database.connect()) {
            SchemaFacts.Table payments = new PostgresSchemaFacts(connection)
                    .table(Optional.empty(), "payments").orElseThrow();
            for (String column : columns) {
                boolean proven = payments.column(column).orElseThrow().provenNotNull();
                assertThat(scans(connection, "ALTER TABLE payments ALTER COLUMN " + column + " SET NOT NULL"))
                        .as("%s on %s: proven %s", column, database, proven).isEqualTo(!proven);
            }
            assertThat(columns.stream().filter(c -> payments.column(c).orElseThrow().provenNotNull()))
                    .containsExactly("checked", "checked_and", "negated");
        }
    }

    private static boolean scans(Connection connection, String sql) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            long before = seqScans(statement);
            statement.execute(sql);
            return seqScans(statement) > before;
        } finally {
            connection.rollback();
            connection.setAutoCommit(true);
        }
    }

    private static long seqScans(Statement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery(
                "SELECT seq_scan FROM pg_stat_xact_user_tables WHERE relid = 'payments'::regclass")) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
