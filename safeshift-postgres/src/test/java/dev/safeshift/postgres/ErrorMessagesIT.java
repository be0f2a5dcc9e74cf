package dev.safeshift.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.safeshift.LogValues;
import dev.safeshift.jdbc.ConnectionLoss;
import dev.safeshift.jdbc.Connections;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.testing.EmbeddedPostgres;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

/** Errors of real statements, as the driver reports them and as Safeshift describes them: no row values. */
class ErrorMessagesIT {

    private final String marker = "MARKER" + UUID.randomUUID().toString().replace("-", "");
    private Endpoint database;

    @BeforeEach
    void createTable() {
        database = EmbeddedPostgres.newDatabase("errors");
        StreamFixtureSql.run(database, "CREATE TABLE public.items (id int PRIMARY KEY, note text)",
                "CREATE UNIQUE INDEX items_note_key ON public.items (note)",
                "CREATE FUNCTION complain() RETURNS trigger LANGUAGE plpgsql AS "
                        + "$$ BEGIN RAISE EXCEPTION 'refused %', NEW.note; END $$",
                "CREATE TABLE public.guarded (id int PRIMARY KEY, note text)",
                "CREATE TRIGGER complain BEFORE INSERT ON public.guarded FOR EACH ROW EXECUTE FUNCTION complain()");
    }

    @AfterEach
    void forgetValues() {
        System.clearProperty("safeshift.logValues");
    }

    @Test
    void theDriverLeavesParametersAndDetailLinesOutOfItsMessages() throws Exception {
        try (Connection connection = Connections.open(database, "target")) {
            BatchUpdateException batch = catchThrowableOfType(BatchUpdateException.class, () -> insertTwice(connection));
            assertThat(batch.getMessage()).doesNotContain(marker).contains("items_note_key");
            PSQLException server = (PSQLException) batch.getNextException();
            assertThat(server.getMessage()).doesNotContain(marker).doesNotContain("Detail");
            assertThat(server.getServerErrorMessage().getDetail()).as("received, only not printed").contains(marker);
        }
    }

    @Test
    void aUniqueViolationIsDescribedByStateTableAndConstraint() throws Exception {
        try (Connection connection = Connections.open(database, "target")) {
            SQLException failure = catchThrowableOfType(SQLException.class, () -> insertTwice(connection));
            assertThat(SqlErrors.describe(failure)).isEqualTo("duplicate key value violates unique constraint "
                    + "\"items_note_key\" (SQLSTATE 23505, table public.items, constraint items_note_key)");
            assertThat(SqlErrors.redact(failure)).hasMessage(SqlErrors.describe(failure));
            assertThat(chain(SqlErrors.redact(failure))).doesNotContain(marker);

            LogValues.enable();
            assertThat(SqlErrors.describe(failure)).contains("Detail: Key (note)=(" + marker + ") already exists.");
            assertThat(SqlErrors.redact(failure)).isSameAs(failure);
        }
    }

    @Test
    void anInvalidInputIsDescribedWithoutTheValueItQuotes() throws Exception {
        try (Connection connection = Connections.open(database, "target");
             PreparedStatement statement = connection.prepareStatement("SELECT CAST(? AS integer)")) {
            statement.setString(1, "\"" + marker + "\" said \"hi\"");
            SQLException failure = catchThrowableOfType(SQLException.class, statement::executeQuery);
            assertThat(failure.getMessage()).as("the driver's own message quotes it").contains(marker);
            assertThat(SqlErrors.describe(failure))
                    .isEqualTo("invalid input syntax for type integer: \"…\" (SQLSTATE 22P02)");
            Throwable logged = SqlErrors.redact(new IllegalStateException(failure));
            assertThat(chain(logged)).doesNotContain(marker).contains("22P02");

            LogValues.enable();
            assertThat(SqlErrors.describe(failure)).contains(marker);
        }
    }

    @Test
    void whatATriggerRaisedIsLeftOutForItMayQuoteTheRow() throws Exception {
        try (Connection connection = Connections.open(database, "target"); Statement statement = connection.createStatement()) {
            SQLException failure = catchThrowableOfType(SQLException.class,
                    () -> statement.execute("INSERT INTO public.guarded VALUES (1, '" + marker + "')"));
            assertThat(SqlErrors.describe(failure)).doesNotContain(marker).contains("SQLSTATE P0001")
                    .contains("a function or trigger raised an error");
            LogValues.enable();
            assertThat(SqlErrors.describe(failure)).contains("refused " + marker);
        }
    }

    @Test
    void aRedactedLostConnectionIsStillALostConnection() throws Exception {
        try (Connection victim = Connections.open(database, "target"); Connection killer = Connections.open(database, "target");
             Statement statement = killer.createStatement()) {
            int pid = victim.unwrap(org.postgresql.PGConnection.class).getBackendPID();
            statement.execute("SELECT pg_terminate_backend(" + pid + ")");
            SQLException failure = catchThrowableOfType(SQLException.class, () -> victim.createStatement().execute("SELECT 1"));
            assertThat(ConnectionLoss.isLoss(SqlErrors.redact(failure))).isTrue();
        }
    }

    /** Every message of an exception and its causes, as a log prints them. */
    private static String chain(Throwable failure) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            out.append(t).append('\n');
        }
        return out.toString();
    }

    private void insertTwice(Connection connection) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO public.items VALUES (?, ?)")) {
            for (int id = 1; id <= 2; id++) {
                insert.setInt(1, id);
                insert.setString(2, marker);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** Statements for the set-up, each in its own transaction. */
    private static final class StreamFixtureSql {
        static void run(Endpoint endpoint, String... statements) {
            try (Connection connection = EmbeddedPostgres.connect(endpoint); Statement statement = connection.createStatement()) {
                for (String sql : statements) {
                    statement.execute(sql);
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
