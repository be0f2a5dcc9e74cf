package dev.safeshift.postgres.check.trace;

import dev.safeshift.postgres.parse.ParsedStatement;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;
import org.postgresql.util.PSQLException;

/**
 * Finds out what PostgreSQL really does for each statement of a schema change, on a
 * {@link ScratchDatabase}: which locks it takes, which relations it rewrites and which tables it
 * scans.
 *
 * <p>Each statement runs in a transaction of its own between two readings of every relation's
 * storage and scan count ({@link Relations}) and a reading of the locks held ({@link Locks}), all
 * inside the transaction, which is then rolled back. The statement is then applied for real, so
 * later statements see its effect (an index on a column an earlier statement added). A statement
 * PostgreSQL refuses to run in a transaction block is not traced but applied all the same; one that
 * fails is recorded with the server's message and has no effect.
 *
 * <p>Parallel workers count their scans in their own backends, so the traced transaction runs
 * without them (an empty table gets none anyway): every scan is then counted where it is read.
 */
public final class LockTracer {

    /** SQLSTATEs of statements that cannot run inside a transaction block (or a function that commits). */
    private static final Set<String> OUTSIDE_TRANSACTION_ONLY = Set.of("25001", "2D000");
    private static final String CONNECTION_LOST_CLASS = "08";

    /** Tells a scratch database from any other, so that statements are never applied where they must not be. */
    static final String SCRATCH_MARK = "safeshift scratch database";

    /** Opens the second session that observes statements run outside a transaction block; null: none. */
    private final Supplier<Connection> observers;

    /** A tracer that does not observe statements PostgreSQL runs only outside a transaction block. */
    public LockTracer() {
        this.observers = null;
    }

    /**
     * A tracer that observes, from a second connection to {@code scratch}, the locks of statements
     * PostgreSQL runs only outside a transaction block, while they wait for that connection's
     * writers' locks ({@link OutsideTransaction}).
     */
    public LockTracer(ScratchDatabase scratch) {
        this.observers = scratch::connect;
    }

    /** What each statement did, in order; see {@link #report} for the same with the server's version. */
    public List<TracedStatement> trace(Connection scratchDatabase, List<ParsedStatement> statements) throws SQLException {
        return report(scratchDatabase, statements).statements();
    }

    /**
     * Traces {@code statements} (as the parser split them) on {@code scratchDatabase}, a connection to
     * a database that {@link ScratchDatabase} made: every statement is applied there for real.
     *
     * @throws IllegalArgumentException when the connection is to any other database
     * @throws SQLException             when the connection fails (a statement that fails is recorded instead)
     */
    public TraceReport report(Connection scratchDatabase, List<ParsedStatement> statements) throws SQLException {
        refuseUnlessScratch(scratchDatabase);
        int version = Integer.parseInt(text(scratchDatabase, "SELECT current_setting('server_version_num')"));
        boolean autoCommit = scratchDatabase.getAutoCommit();
        List<TracedStatement> traced = new ArrayList<>();
        try {
            for (ParsedStatement statement : statements) {
                traced.add(traceOne(scratchDatabase, statement));
            }
        } finally {
            if (!scratchDatabase.isClosed()) {
                scratchDatabase.setAutoCommit(autoCommit);
            }
        }
        return new TraceReport(version, traced);
    }

    private TracedStatement traceOne(Connection connection, ParsedStatement parsed) throws SQLException {
        String sql = parsed.sql();
        if (parsed.tree().isEmpty()) {
            return notTraced(sql, "the parser refused it: " + parsed.problem().orElse(""), Optional.empty());
        }
        Optional<String> refusal = StatementKind.refusal(parsed.tree().get());
        if (refusal.isPresent()) {
            return notTraced(sql, refusal.get(), Optional.empty());
        }
        connection.setAutoCommit(false);
        Relations before;
        Relations after;
        List<HeldLock> locks;
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET LOCAL max_parallel_maintenance_workers = 0");
            statement.execute("SET LOCAL max_parallel_workers_per_gather = 0");
            before = Relations.read(connection);
            Map<Long, String> typesBefore = Locks.types(connection);
            try {
                statement.execute(sql);
            } catch (SQLException e) {
                connection.rollback();
                connection.setAutoCommit(true);
                rethrowIfConnectionLost(e);
                if (OUTSIDE_TRANSACTION_ONLY.contains(e.getSQLState())) {
                    return applyOutsideTransaction(connection, sql, e);
                }
                return failed(sql, message(e));
            }
            if (transactionState(connection) != TransactionState.OPEN) {
                // StatementKind refuses transaction control; this is a second line of defence, after the fact.
                connection.setAutoCommit(true);
                return failed(sql, "the statement ended the traced transaction, so what it did could not be read "
                        + "and it may have taken effect; the trace of later statements may be wrong");
            }
            after = Relations.read(connection);
            locks = Locks.held(connection, before, after, typesBefore, Locks.types(connection));
        } finally {
            if (!connection.getAutoCommit()) {
                connection.rollback();
                connection.setAutoCommit(true);
            }
        }
        Optional<String> applyError = apply(connection, sql);
        return new TracedStatement(sql, true, Optional.empty(), locks, Relations.rewritten(before, after),
                Relations.scanned(before, after), applyError.map(m -> "ran in the traced transaction, but failed when "
                        + "applied for real: " + m));
    }

    /** Runs a statement PostgreSQL will not run in a transaction block the only way it can: on its own. */
    private TracedStatement applyOutsideTransaction(Connection connection, String sql, SQLException refused)
            throws SQLException {
        String reason = "PostgreSQL runs it only outside a transaction block (" + message(refused) + "), so it cannot "
                + "be traced in a transaction that is rolled back; it was applied outside a transaction";
        if (observers == null) {
            return notTraced(sql, reason, apply(connection, sql));
        }
        OutsideTransaction.Outcome outcome = OutsideTransaction.run(connection, sql, observers);
        Optional<String> error = Optional.empty();
        if (outcome.failure().isPresent()) {
            rethrowIfConnectionLost(outcome.failure().get());
            error = Optional.of(message(outcome.failure().get()));
        }
        if (outcome.observed().isEmpty()) {
            return notTraced(sql, reason + ". Its locks were not observed: it never waited for another session's "
                    + "ROW EXCLUSIVE locks on every table", error);
        }
        return new TracedStatement(sql, false, Optional.of(reason + ". Its locks were observed from another session "
                + "while it waited for that session's ROW EXCLUSIVE locks on every table: they are the locks it held, "
                + "or waited for, at that moment, not necessarily all it takes; rewrites and scans are not known"),
                outcome.observed().get(), List.of(), List.of(), error);
    }

    /** Applies {@code sql} in autocommit; the server's message when it fails. */
    private static Optional<String> apply(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
            return Optional.empty();
        } catch (SQLException e) {
            rethrowIfConnectionLost(e);
            return Optional.of(message(e));
        }
    }

    private static TracedStatement notTraced(String sql, String reason, Optional<String> error) {
        return new TracedStatement(sql, false, Optional.of(reason), List.of(), List.of(), List.of(), error);
    }

    private static TracedStatement failed(String sql, String error) {
        return new TracedStatement(sql, true, Optional.empty(), List.of(), List.of(), List.of(), Optional.of(error));
    }

    /**
     * The server's own message and SQLSTATE. Its DETAIL is left out: it may quote row values, and
     * the scratch tables hold none that would matter.
     */
    public static String message(SQLException e) {
        String text = e instanceof PSQLException psql && psql.getServerErrorMessage() != null
                && psql.getServerErrorMessage().getMessage() != null
                ? psql.getServerErrorMessage().getMessage() : String.valueOf(e.getMessage());
        return e.getSQLState() == null ? text : text + " (SQLSTATE " + e.getSQLState() + ")";
    }

    private static void rethrowIfConnectionLost(SQLException e) throws SQLException {
        if (e.getSQLState() != null && e.getSQLState().startsWith(CONNECTION_LOST_CLASS)) {
            throw e;
        }
    }

    private static TransactionState transactionState(Connection connection) throws SQLException {
        return connection.unwrap(BaseConnection.class).getTransactionState();
    }

    /** Statements are applied for real: only ever on a database {@link ScratchDatabase} made and marked. */
    /** Stops unless {@code connection} is to a database {@link ScratchDatabase} made: statements run there for real. */
    public static void refuseUnlessScratch(Connection connection) throws SQLException {
        String mark = text(connection, "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                + "WHERE datname = current_database()");
        if (mark == null || !mark.startsWith(SCRATCH_MARK)) {
            throw new IllegalArgumentException("the connection is to database " + text(connection,
                    "SELECT current_database()") + ", which is not a scratch database made for tracing: the tracer "
                    + "applies every statement for real, so it runs only on a database ScratchDatabase created");
        }
    }

    private static String text(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); var rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        }
    }
}
