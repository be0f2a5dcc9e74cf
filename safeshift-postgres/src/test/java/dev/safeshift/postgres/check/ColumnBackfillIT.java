package dev.safeshift.postgres.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safeshift.postgres.parse.ParsedStatement;
import dev.safeshift.postgres.parse.ParserServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The online form of ADD COLUMN with a volatile default, run step by step on PostgreSQL 14 and 15:
 * the same result as the statement as written (every existing row its own value, the default for
 * new rows, NOT NULL), without the rewrite.
 */
class ColumnBackfillIT {

    private static final int ROWS = 9_001; // several batches and a last, partial one

    private static ParserServer parser;
    private static List<TestServers.Database> databases;

    @BeforeAll
    static void start() throws SQLException {
        parser = ParserServer.start();
        databases = TestServers.both("backfill");
        for (TestServers.Database database : databases) {
            database.run("CREATE TABLE orders (id bigint PRIMARY KEY, amount int)",
                    "INSERT INTO orders SELECT g * 3, g FROM generate_series(1, " + ROWS + ") g",
                    "CREATE SCHEMA \"Sales Ops\"",
                    "CREATE TABLE \"Sales Ops\".\"order-lines\" (\"région\" text COLLATE \"C\", n int, "
                            + "PRIMARY KEY (\"région\", n))",
                    "INSERT INTO \"Sales Ops\".\"order-lines\" SELECT r, g FROM unnest(ARRAY['Île', 'ouest', 'Zürich', "
                            + "'Ørsted']) r, generate_series(1, 1500) g",
                    "CREATE TABLE keyless (amount int)",
                    "INSERT INTO keyless VALUES (1)",
                    "CREATE TABLE audited (id int PRIMARY KEY, changed timestamptz)",
                    "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS "
                            + "'BEGIN NEW.changed := clock_timestamp(); RETURN NEW; END'",
                    "CREATE TRIGGER audited_touch BEFORE UPDATE ON audited FOR EACH ROW EXECUTE FUNCTION touch()");
        }
    }

    @AfterAll
    static void stop() throws SQLException {
        for (TestServers.Database database : databases) {
            database.drop();
        }
        parser.close();
    }

    static Stream<TestServers.Database> servers() {
        return databases.stream();
    }

    @ParameterizedTest
    @MethodSource("servers")
    void fillsEveryExistingRowInBatchesThenSetsNotNull(TestServers.Database database) throws SQLException {
        try (Connection connection = database.connect()) {
            List<SafeStep> steps = forms(connection,
                    "ALTER TABLE orders ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid()");

            assertThat(steps).extracting(SafeStep::sql).startsWith(
                    "ALTER TABLE \"public\".\"orders\" ADD COLUMN token uuid",
                    "ALTER TABLE \"public\".\"orders\" ALTER COLUMN \"token\" SET DEFAULT gen_random_uuid()");
            assertThat(steps).hasSize(7);
            assertThat(steps.get(2).sql()).startsWith("DO ");
            assertThat(steps.get(2).effect()).hasValueSatisfying(effect -> {
                assertThat(effect.work()).isEqualTo(Work.ROW_WRITES);
                assertThat(effect.lock()).isEqualTo(LockMode.ROW_EXCLUSIVE);
            });
            assertThat(steps.get(5).sql()).endsWith("ALTER COLUMN \"token\" SET NOT NULL");

            List<String> notices = apply(connection, steps);

            assertThat(scalar(connection, "SELECT count(*) FILTER (WHERE token IS NULL) || '/' || count(DISTINCT token) "
                    + "FROM orders")).isEqualTo("0/" + ROWS);
            assertThat(scalar(connection, "SELECT attnotnull FROM pg_attribute WHERE attrelid = 'orders'::regclass "
                    + "AND attname = 'token'")).isEqualTo("t");
            assertThat(notices).anyMatch(n -> n.equals(ColumnBackfill.PROGRESS + ROWS + " rows filled, done"));
            execute(connection, "INSERT INTO orders (id) VALUES (-1)");
            assertThat(scalar(connection, "SELECT token IS NOT NULL FROM orders WHERE id = -1"))
                    .as("new rows take the default").isEqualTo("t");
            assertThat(scalar(connection, "SELECT count(*) FROM pg_constraint WHERE conrelid = 'orders'::regclass "
                    + "AND contype = 'c'")).as("the helper check is dropped").isEqualTo("0");
        }
    }

    @ParameterizedTest
    @MethodSource("servers")
    void walksACompositeTextKeyWithQuotedNamesAndLeavesRowsFilledMeanwhileAlone(TestServers.Database database)
            throws SQLException {
        try (Connection connection = database.connect()) {
            List<SafeStep> steps = forms(connection, "ALTER TABLE \"Sales Ops\".\"order-lines\" "
                    + "ADD COLUMN \"Ünïcødé col\" double precision DEFAULT random() * 0");
            assertThat(steps).hasSize(3);
            assertThat(steps.get(1).sql()).endsWith("SET DEFAULT random() * 0");
            // The first two steps, then a row the application writes with a value of its own before the batches run.
            apply(connection, steps.subList(0, 2));
            execute(connection, "UPDATE \"Sales Ops\".\"order-lines\" SET \"Ünïcødé col\" = 7 WHERE \"région\" = 'ouest' "
                    + "AND n = 1");
            apply(connection, steps.subList(2, 3));

            assertThat(scalar(connection, "SELECT count(*) FILTER (WHERE \"Ünïcødé col\" = 0) || '/' "
                    + "|| count(*) FILTER (WHERE \"Ünïcødé col\" = 7) || '/' || count(*) FILTER (WHERE \"Ünïcødé col\" IS NULL) "
                    + "FROM \"Sales Ops\".\"order-lines\"")).isEqualTo("5999/1/0");
        }
    }

    @ParameterizedTest
    @MethodSource("servers")
    void keepsTheStatementAsWrittenWhenItDoesNotRewriteOrCannotBeBatched(TestServers.Database database)
            throws SQLException {
        try (Connection connection = database.connect()) {
            for (String sql : List.of(
                    "ALTER TABLE orders ADD COLUMN created timestamptz NOT NULL DEFAULT now()", // stable: kept in the catalog
                    "ALTER TABLE orders ADD COLUMN code int DEFAULT 1",
                    "ALTER TABLE keyless ADD COLUMN token uuid DEFAULT gen_random_uuid()", // no key to walk
                    "ALTER TABLE orders ADD COLUMN token2 uuid UNIQUE DEFAULT gen_random_uuid()")) {
                assertThat(forms(connection, sql)).as(sql).extracting(SafeStep::sql).containsExactly(sql);
            }
            assertThat(whyAsWritten(connection, "ALTER TABLE keyless ADD COLUMN token uuid DEFAULT gen_random_uuid()"))
                    .hasValueSatisfying(why -> assertThat(why).contains("has no primary key"));
            assertThat(whyAsWritten(connection, "ALTER TABLE orders ADD COLUMN code int DEFAULT 1")).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("servers")
    void doesNotFireTheTablesUpdateTriggersForEveryRow(TestServers.Database database) throws SQLException {
        try (Connection connection = database.connect()) {
            String sql = "ALTER TABLE audited ADD COLUMN token uuid DEFAULT gen_random_uuid()";
            assertThat(forms(connection, sql)).extracting(SafeStep::sql).containsExactly(sql);
            assertThat(whyAsWritten(connection, sql)).hasValueSatisfying(why -> assertThat(why)
                    .contains("UPDATE trigger(s) audited_touch"));
        }
    }

    private static java.util.Optional<String> whyAsWritten(Connection connection, String sql) throws SQLException {
        return SafeForms.whyAsWritten(parser.parse(sql, "test", 1).get(0), new PostgresSchemaFacts(connection));
    }

    private static List<SafeStep> forms(Connection connection, String sql) throws SQLException {
        List<ParsedStatement> parsed = parser.parse(sql, "test", 1);
        assertThat(parsed).hasSize(1);
        return SafeForms.of(parsed.get(0), new PostgresSchemaFacts(connection));
    }

    /** Runs each step on its own in autocommit, as safeshift run does; returns the notices they raised. */
    private static List<String> apply(Connection connection, List<SafeStep> steps) throws SQLException {
        List<String> notices = new ArrayList<>();
        connection.setAutoCommit(true);
        for (SafeStep step : steps) {
            try (Statement statement = connection.createStatement()) {
                statement.execute(step.sql());
                for (SQLWarning w = statement.getWarnings(); w != null; w = w.getNextWarning()) {
                    notices.add(w.getMessage());
                }
            }
        }
        return notices;
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static String scalar(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }
}
