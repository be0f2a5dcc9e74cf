package dev.safeshift.postgres;

import dev.safeshift.engine.TableMove;
import dev.safeshift.jdbc.Connections;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.postgres.SourceDefinition.Index;
import dev.safeshift.postgres.SourceDefinition.NamedDefinition;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Builds a target table's primary key and secondary indexes once its rows are in, several at once in
 * separate sessions (plain CREATE INDEX takes a SHARE lock, which does not conflict with itself),
 * then makes the key's index the primary key.
 *
 * <p>Safe to run again after a crash at any point. Each index is built in a transaction of its own,
 * so an interrupted build leaves nothing (no index left INVALID, as an interrupted CONCURRENTLY build
 * would); a build whose session outlived a killed daemon runs on in the server and rolls back when it
 * finds the client gone, and a new build of the same name waits for it on the catalog's unique index.
 * Indexes already there are skipped. The key's index becomes the key in the transaction that clears
 * the table's {@link PendingKeys} record.
 */
final class TargetIndexes {

    /** How often a build checks that its client is still there (PostgreSQL 14+), so that a killed daemon's builds stop. */
    private static final String CLIENT_CHECK = "1s";

    private TargetIndexes() {
    }

    static void build(Endpoint target, TableMove move, int parallelism) throws SQLException {
        Optional<SourceDefinition> found = SourceDefinition.of(move.source());
        if (found.isEmpty()) {
            return;
        }
        SourceDefinition definition = found.get();
        String table = Sql.table(move.target());
        Queue<Build> builds = new ConcurrentLinkedQueue<>();
        Index keyIndex = definition.primaryKeyIndex();
        boolean keyMissing;
        try (Connection to = Connections.open(target, "target")) {
            keyMissing = keyIndex != null && !hasPrimaryKey(to, table);
        }
        if (keyMissing) {
            builds.add(session -> buildKeyIndex(session, table, keyIndex));
        }
        for (Index index : definition.indexes()) {
            builds.add(session -> execute(session, "CREATE " + (index.unique() ? "UNIQUE " : "") + "INDEX IF NOT EXISTS "
                    + Sql.ident(index.name()) + " ON " + table + " " + index.using()));
        }
        runAll(target, builds, Math.max(1, Math.min(parallelism, builds.size())));
        if (keyMissing) {
            try (Connection to = Connections.open(target, "target")) {
                attachKey(to, move, table, definition.primaryKey(), keyIndex);
            }
        }
    }

    /** One index build, in its own transaction on the given session. */
    private interface Build {
        void run(Connection session) throws SQLException;
    }

    /** {@code sessions} workers, each on its own connection, take builds until none are left or one failed. */
    private static void runAll(Endpoint target, Queue<Build> builds, int sessions) throws SQLException {
        if (builds.isEmpty()) {
            return;
        }
        AtomicBoolean failed = new AtomicBoolean();
        ExecutorService workers = Executors.newFixedThreadPool(sessions, runnable -> {
            Thread thread = new Thread(runnable, "safeshift-index-build");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<Void>> running = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                running.add(workers.submit(() -> {
                    try (Connection session = Connections.open(target, "target")) {
                        prepareSession(session);
                        Build build;
                        while (!failed.get() && (build = builds.poll()) != null) {
                            build.run(session);
                        }
                    } catch (SQLException | RuntimeException e) {
                        failed.set(true);
                        throw e;
                    }
                    return null;
                }));
            }
            SQLException first = null;
            for (Future<Void> worker : running) {
                try {
                    worker.get();
                } catch (ExecutionException e) {
                    if (first == null) {
                        first = e.getCause() instanceof SQLException sql ? sql
                                : new SQLException("building an index failed: " + e.getCause(), e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SQLException("interrupted while building indexes", e);
                }
            }
            if (first != null) {
                throw first;
            }
        } finally {
            workers.shutdownNow();
        }
    }

    /**
     * The server's maintenance_work_mem is kept: on a 5M-row table, builds with 1 GB (what pgcopydb
     * sets) were no faster than with the default 64 MB (PostgreSQL's external sort is good), and the
     * memory would be taken on the target once per session.
     */
    private static void prepareSession(Connection session) throws SQLException {
        try (Statement statement = session.createStatement()) {
            if (Catalog.serverVersion(session) >= 140000) {
                statement.execute("SET client_connection_check_interval = '" + CLIENT_CHECK + "'");
            }
        }
        session.setAutoCommit(false);
    }

    private static void execute(Connection session, String sql) throws SQLException {
        try (Statement statement = session.createStatement()) {
            statement.execute(sql);
            session.commit();
        } catch (SQLException | RuntimeException e) {
            session.rollback();
            throw e;
        }
    }

    /**
     * The key's unique index under the key's name, unless the table has a valid one of that name from
     * an earlier run. (Not IF NOT EXISTS: that would also skip an index of that name on another table.)
     */
    private static void buildKeyIndex(Connection session, String table, Index index) throws SQLException {
        String valid = Catalog.text(session, "SELECT i.indisvalid::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                + " WHERE i.indrelid = ?::regclass AND c.relname = ?", table, index.name());
        session.commit();
        if ("true".equals(valid)) {
            return;
        }
        if (valid != null) {
            execute(session, "DROP INDEX " + Sql.ident(schemaOf(session, table)) + "." + Sql.ident(index.name()));
        }
        execute(session, "CREATE UNIQUE INDEX " + Sql.ident(index.name()) + " ON " + table + " " + index.using());
    }

    private static String schemaOf(Connection session, String table) throws SQLException {
        return Catalog.text(session, "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE c.oid = ?::regclass", table);
    }

    /** Makes the built index the primary key and clears the pending record, in one transaction. */
    private static void attachKey(Connection to, TableMove move, String table, NamedDefinition key, Index index)
            throws SQLException {
        to.setAutoCommit(false);
        try (Statement statement = to.createStatement()) {
            if (!hasPrimaryKey(to, table)) {
                statement.execute("ALTER TABLE " + table + " ADD CONSTRAINT " + key.name() + " PRIMARY KEY USING INDEX "
                        + Sql.ident(index.name()));
            }
            statement.execute(PendingKeys.clear(move.target()));
            to.commit();
        } catch (SQLException | RuntimeException e) {
            to.rollback();
            throw e;
        }
    }

    private static boolean hasPrimaryKey(Connection to, String table) throws SQLException {
        return Catalog.text(to, "SELECT 1 FROM pg_constraint WHERE conrelid = ?::regclass AND contype = 'p'", table) != null;
    }
}
