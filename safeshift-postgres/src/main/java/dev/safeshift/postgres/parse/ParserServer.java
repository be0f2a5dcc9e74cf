package dev.safeshift.postgres.parse;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.postgresql.util.PSQLWarning;
import org.postgresql.util.ServerErrorMessage;

/**
 * PostgreSQL's own parser, run on a private embedded server: each statement is sent to the
 * server, which prints its parse tree ({@code debug_print_parse}) to the client before it would
 * execute it. Versions before 16 print only a placeholder for DDL, so the server is a fixed
 * version bundled with Safeshift (see {@code parser-postgres.version} in the build), whatever
 * version the source runs.
 *
 * <p>Nothing a script says may take effect: statements run as a role that owns nothing, in
 * read-only transactions, with a statement timeout; after each one the session is rolled back
 * and reset, so a {@code BEGIN} or {@code SET} in the script cannot change how the next statement
 * is parsed. Utility statements (DDL) are not analysed by the server before execution, so they
 * parse whatever the server's catalog holds; queries ({@code UPDATE} and the like) are analysed,
 * so the tables they name must exist here: {@link #admin()} can create them.
 */
public final class ParserServer implements AutoCloseable {

    /** The role scripts are parsed as; it owns nothing and may write nothing. */
    private static final String PARSE_ROLE = "safeshift_parse";
    private static final String BINARIES = "server/postgres-linux-x86_64.txz";
    /** A statement runs only until its tree is printed; anything slower is a script doing work, which is stopped. */
    private static final int QUERY_TIMEOUT_SECONDS = 10;

    private final EmbeddedPostgres server;
    private final Connection session;

    private ParserServer(EmbeddedPostgres server, Connection session) {
        this.server = server;
        this.session = session;
    }

    /** Starts the bundled server (about a second) and prepares the parsing role. */
    public static ParserServer start() {
        EmbeddedPostgres server;
        try {
            server = EmbeddedPostgres.builder()
                    .setPgBinaryResolver(ParserServer::binaries)
                    .setServerConfig("fsync", "off")
                    .setServerConfig("max_connections", "10")
                    .setServerConfig("shared_buffers", "16MB")
                    // Trees go to the client only; the server's own log would repeat every one of them.
                    .setServerConfig("log_min_messages", "fatal")
                    .setServerConfig("log_min_error_statement", "panic")
                    .start();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("could not start the PostgreSQL server Safeshift parses SQL with: "
                    + e.getMessage(), e);
        }
        try {
            prepareRole(server);
            Connection session = DriverManager.getConnection(
                    server.getJdbcUrl(PARSE_ROLE, "postgres") + "&preferQueryMode=simple&ApplicationName=safeshift-parse");
            return new ParserServer(server, session);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(server);
            throw new IllegalStateException("could not prepare the PostgreSQL server Safeshift parses SQL with: "
                    + e.getMessage(), e);
        }
    }

    private static InputStream binaries(String system, String architecture) {
        if (!"Linux".equalsIgnoreCase(system) || !"x86_64".equals(architecture) && !"amd64".equals(architecture)) {
            throw new IllegalStateException("safeshift check parses SQL with a bundled PostgreSQL server that exists "
                    + "for Linux on x86-64 only; this machine is " + system + " on " + architecture);
        }
        InputStream binaries = ParserServer.class.getResourceAsStream(BINARIES);
        if (binaries == null) {
            throw new IllegalStateException("the bundled PostgreSQL server for parsing SQL is missing from this build ("
                    + BINARIES + "); rebuild Safeshift with mvn package");
        }
        return binaries;
    }

    private static void prepareRole(EmbeddedPostgres server) throws SQLException {
        try (Connection admin = server.getPostgresDatabase().getConnection(); Statement statement = admin.createStatement()) {
            statement.execute("CREATE ROLE " + PARSE_ROLE + " LOGIN");
            statement.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC");
            statement.execute("REVOKE TEMPORARY ON DATABASE postgres FROM PUBLIC");
            for (String setting : List.of("debug_print_parse = on", "debug_pretty_print = off",
                    "client_min_messages = log", "default_transaction_read_only = on",
                    "statement_timeout = '" + QUERY_TIMEOUT_SECONDS + "s'", "lock_timeout = '1s'")) {
                statement.execute("ALTER ROLE " + PARSE_ROLE + " SET " + setting);
            }
        }
    }

    /** A superuser connection to the server's database. The caller closes it. */
    public Connection admin() throws SQLException {
        return server.getPostgresDatabase().getConnection();
    }

    /**
     * Runs {@code ddl} as the superuser, for creating the tables (and their schemas and types) that
     * queries in a script refer to; the parsing role may then look them up, but not change them.
     */
    public void define(String ddl) {
        try (Connection admin = admin(); Statement statement = admin.createStatement()) {
            statement.execute(ddl);
            // Lookups need USAGE on the schema; the role gets nothing more.
            statement.execute("DO $grant$ DECLARE s name; BEGIN "
                    + "FOR s IN SELECT nspname FROM pg_namespace WHERE nspname !~ '^pg_' AND nspname <> 'information_schema' "
                    + "LOOP EXECUTE format('GRANT USAGE ON SCHEMA %I TO " + PARSE_ROLE + "', s); END LOOP; END $grant$");
        } catch (SQLException e) {
            throw new IllegalStateException("could not define tables on the PostgreSQL server Safeshift parses SQL with: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Splits {@code script} into statements and parses each one.
     *
     * @param origin    where the script comes from, for messages (e.g. a file name)
     * @param firstLine the line of {@code origin} the script starts on
     */
    public List<ParsedStatement> parse(String script, String origin, int firstLine) {
        return parse(script, origin, firstLine, 1);
    }

    /** As {@link #parse(String, String, int)}, numbering statements from {@code firstNumber} (for a change of several scripts). */
    public List<ParsedStatement> parse(String script, String origin, int firstLine, int firstNumber) {
        List<ParsedStatement> statements = new ArrayList<>();
        for (ScriptSplitter.Piece piece : ScriptSplitter.split(script, firstLine)) {
            Optional<ParsedStatement> parsed = parseOne(piece, origin, firstNumber + statements.size());
            parsed.ifPresent(statements::add);
        }
        return statements;
    }

    private Optional<ParsedStatement> parseOne(ScriptSplitter.Piece piece, String origin, int number) {
        List<PgNode> trees = new ArrayList<>();
        Optional<String> problem = Optional.empty();
        try (Statement statement = session.createStatement()) {
            statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            try {
                statement.execute(piece.sql());
            } catch (SQLException e) {
                problem = Optional.of(describe(e, piece));
            }
            for (SQLWarning warning = statement.getWarnings(); warning != null; warning = warning.getNextWarning()) {
                treeOf(warning).ifPresent(trees::add);
            }
            reset(statement);
        } catch (SQLException e) {
            throw new IllegalStateException("the PostgreSQL server Safeshift parses SQL with failed: " + e.getMessage(), e);
        }
        if (trees.isEmpty()) {
            if (problem.isEmpty() && !ScriptSplitter.onlyComments(piece.sql())) {
                // A statement that ran without its tree being seen would be skipped by check and by run.
                throw new IllegalStateException("the PostgreSQL server Safeshift parses SQL with printed no tree for "
                        + "the statement at " + origin + " line " + piece.line() + "; nothing was checked");
            }
            return problem.map(p -> new ParsedStatement(number, origin, piece.line(), piece.sql(), Optional.empty(),
                    Optional.of(p)));
        }
        // A tree was printed, so the statement parsed; an error after that is the refusal to execute it. Trees
        // after the first belong to statements the first one ran inside itself (a DO block's body).
        return Optional.of(new ParsedStatement(number, origin, piece.line(), piece.sql(),
                Optional.of(statementOf(trees.get(0))), Optional.empty()));
    }

    private static Optional<PgNode> treeOf(SQLWarning warning) {
        if (!(warning instanceof PSQLWarning notice)) {
            return Optional.empty();
        }
        ServerErrorMessage message = notice.getServerErrorMessage();
        if (message == null || !"parse tree:".equals(message.getMessage()) || message.getDetail() == null) {
            return Optional.empty();
        }
        return Optional.of(NodeDumpReader.read(message.getDetail()));
    }

    /** The statement node of a utility command, the query itself otherwise. */
    private static PgNode statementOf(PgNode query) {
        if (query.is("QUERY") && "6".equals(query.text("commandType").orElse(""))) {
            return query.node("utilityStmt").orElse(query);
        }
        return query;
    }

    private static String describe(SQLException e, ScriptSplitter.Piece piece) {
        String message = e.getMessage();
        if (e instanceof org.postgresql.util.PSQLException psql && psql.getServerErrorMessage() != null) {
            ServerErrorMessage server = psql.getServerErrorMessage();
            message = server.getMessage();
            int position = server.getPosition();
            if (position > 0) {
                String before = piece.sql().substring(0, Math.min(position - 1, piece.sql().length()));
                int line = piece.line() + (int) before.chars().filter(c -> c == '\n').count();
                message += " (line " + line + ")";
            }
        }
        return message;
    }

    /** Ends whatever the statement began (a transaction block, a setting) before the next one is parsed. */
    private static void reset(Statement statement) throws SQLException {
        statement.execute("ROLLBACK");
        statement.execute("RESET ALL");
        statement.clearWarnings();
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (SQLException ignored) {
            // the server is stopped next, which ends the session anyway
        }
        closeQuietly(server);
    }

    private static void closeQuietly(EmbeddedPostgres server) {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not stop the PostgreSQL server Safeshift parses SQL with", e);
        }
    }
}
