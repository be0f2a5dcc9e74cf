package dev.safeshift.postgres.check.trace;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Runs a statement that PostgreSQL runs only outside a transaction block (CREATE INDEX
 * CONCURRENTLY, DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY, VACUUM, ...) and, where it can,
 * observes its locks from a second session.
 *
 * <p>Polling another backend's locks while it runs would be a race: on an empty table such a
 * statement is over in milliseconds. So the second session first takes ROW EXCLUSIVE locks on every
 * table of the scratch database, in a transaction, as any session writing to them would. The
 * concurrent index commands must wait for every such transaction before they go on, and anything
 * wanting a lock that conflicts with writers waits for it; a waiting backend acquires and releases
 * nothing, so reading its locks then is exact, not a race. When {@code pg_locks} shows the statement
 * waiting, its locks are read and the second session's transaction ends, letting it finish. The
 * locks read are those it held at that moment and the one it waited for: not necessarily all it
 * takes over its life. A statement that never waits (plain VACUUM takes SHARE UPDATE EXCLUSIVE,
 * which writers do not block) is not observed, and the result says so.
 */
final class OutsideTransaction {

    /** How long the statement may take to start waiting before it is let go unobserved. */
    private static final long WAIT_MILLIS = 30_000;
    private static final long POLL_MILLIS = 5;

    /**
     * @param failure  how the statement failed, if it did
     * @param observed the locks seen while it waited, if it did
     */
    record Outcome(Optional<SQLException> failure, Optional<List<HeldLock>> observed) {
    }

    private OutsideTransaction() {
    }

    /** Runs {@code sql} in autocommit on {@code connection}, observed from a session {@code observers} opens. */
    static Outcome run(Connection connection, String sql, Supplier<Connection> observers) throws SQLException {
        int pid = Locks.backendPid(connection);
        try (Connection observer = observers.get()) {
            observer.setAutoCommit(false);
            Relations relations = Relations.read(observer);
            List<String> tables = relations.tables();
            try (Statement statement = observer.createStatement()) {
                statement.execute("SET LOCAL lock_timeout = '5s'");
                if (!tables.isEmpty()) {
                    statement.execute("LOCK TABLE " + String.join(", ", tables) + " IN ROW EXCLUSIVE MODE");
                }
            }
            ExecutorService runner = Executors.newSingleThreadExecutor(runnable -> {
                Thread thread = new Thread(runnable, "safeshift-trace-outside-transaction");
                thread.setDaemon(true);
                return thread;
            });
            try {
                CompletableFuture<Optional<SQLException>> running = CompletableFuture.supplyAsync(() -> apply(connection, sql),
                        runner);
                Optional<List<HeldLock>> observed = Optional.empty();
                try {
                    if (awaitWaiting(observer, pid, running)) {
                        // What the statement created before it waited was committed, so the observer sees it too.
                        Relations now = Relations.read(observer);
                        Map<Long, String> types = Locks.types(observer);
                        observed = Optional.of(Locks.of(observer, pid, relations, now, types, types));
                    }
                } finally {
                    observer.rollback();
                }
                return new Outcome(result(running), observed);
            } finally {
                runner.shutdownNow();
            }
        }
    }

    /** Whether backend {@code pid} was seen waiting for a lock before {@code running} ended or the time was up. */
    private static boolean awaitWaiting(Connection observer, int pid, CompletableFuture<?> running) throws SQLException {
        long deadline = System.nanoTime() + WAIT_MILLIS * 1_000_000;
        try (PreparedStatement waiting = observer.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_locks "
                + "WHERE pid = ? AND NOT granted)")) {
            waiting.setInt(1, pid);
            while (!running.isDone() && System.nanoTime() - deadline < 0) {
                try (ResultSet rows = waiting.executeQuery()) {
                    rows.next();
                    if (rows.getBoolean(1)) {
                        return true;
                    }
                }
                try {
                    Thread.sleep(POLL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SQLException("interrupted while observing a statement", e);
                }
            }
        }
        return false;
    }

    private static Optional<SQLException> apply(Connection connection, String sql) {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
            return Optional.empty();
        } catch (SQLException e) {
            return Optional.of(e);
        }
    }

    private static Optional<SQLException> result(CompletableFuture<Optional<SQLException>> running) throws SQLException {
        try {
            return running.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while a statement ran outside a transaction", e);
        } catch (ExecutionException e) {
            throw new SQLException("running a statement outside a transaction failed", e.getCause());
        }
    }
}
