package dev.safeshift.postgres;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.FenceSettings;
import dev.safeshift.engine.WriteFence;
import dev.safeshift.jdbc.Connections;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.QualifiedName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A write fence on PostgreSQL: a transaction of its own holds the tables in EXCLUSIVE mode, which
 * every INSERT, UPDATE, DELETE, MERGE, COPY FROM, TRUNCATE and SELECT ... FOR UPDATE waits for,
 * whatever role runs it, while plain reads go on (except on a table where a TRUNCATE or an ALTER
 * queues behind the fence: PostgreSQL's lock queue then holds that table's readers too). On a
 * partitioned table the lock covers every partition. Each attempt waits at most the lock timeout; PostgreSQL queues new writers behind a
 * waiting lock, so a longer wait would pause the application for nothing. The lock ends with the
 * transaction: when the fence is lifted, or when the session ends because the daemon died.
 */
final class SourceFence implements WriteFence {

    private static final Logger LOG = LoggerFactory.getLogger(SourceFence.class);
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    /** Sessions that hold a lock on the tables or their partitions that a fence waits for. */
    private static final String HOLDERS = """
            SELECT DISTINCT a.pid, a.usename, a.application_name, a.state,
                   extract(epoch FROM clock_timestamp() - a.xact_start)::bigint
              FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
             WHERE l.locktype = 'relation' AND l.granted AND l.mode <> 'AccessShareLock'
               AND l.pid <> pg_backend_pid()
               AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
               AND l.relation IN (SELECT p.relid FROM unnest(CAST(? AS text[])) AS t(name),
                                         LATERAL pg_partition_tree(CAST(t.name AS regclass)) AS p
                                  UNION SELECT CAST(t.name AS regclass) FROM unnest(CAST(? AS text[])) AS t(name))
             ORDER BY a.pid""";

    private final Connection connection;
    private final List<QualifiedName> tables;
    private final Instant fencedAt;
    private final int attempt;
    private boolean lifted;

    private SourceFence(Connection connection, List<QualifiedName> tables, Instant fencedAt, int attempt) {
        this.connection = connection;
        this.tables = List.copyOf(tables);
        this.fencedAt = fencedAt;
        this.attempt = attempt;
    }

    static SourceFence take(Endpoint source, List<QualifiedName> tables, FenceSettings settings)
            throws InterruptedException {
        // one order for every fence, so two of them never wait for each other
        List<String> names = tables.stream().map(Sql::table).distinct().sorted().toList();
        String lock = "LOCK TABLE " + String.join(", ", names) + " IN EXCLUSIVE MODE";
        Connection connection = Connections.open(source, "source (write fence)");
        boolean taken = false;
        try {
            try (Statement statement = connection.createStatement()) {
                // what an operator looking at pg_stat_activity or pg_locks sees holding the tables
                statement.execute("SET application_name = 'safeshift write fence'");
            }
            connection.setAutoCommit(false);
            List<String> holders = List.of();
            for (int attempt = 1; attempt <= settings.attempts(); attempt++) {
                if (attempt > 1) {
                    Thread.sleep(settings.backoffBefore(attempt).toMillis());
                }
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SET LOCAL lock_timeout = " + settings.lockTimeout().toMillis());
                    statement.execute(lock);
                    taken = true;
                    return new SourceFence(connection, tables, Instant.now(), attempt);
                } catch (SQLException e) {
                    connection.rollback();
                    if (!LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                        throw e;
                    }
                    holders = holders(connection, names);
                    connection.commit(); // the look at the holders is a transaction of its own
                    LOG.info("write fence attempt {} of {} timed out after {} ms; held by {}", attempt,
                            settings.attempts(), settings.lockTimeout().toMillis(), holders);
                }
            }
            throw new SafeshiftException(SafeshiftException.Kind.IN_USE, "could not fence writes to "
                    + String.join(", ", names) + ": " + settings.attempts() + " attempts of "
                    + settings.lockTimeout().toMillis() + " ms each found them held by "
                    + (holders.isEmpty() ? "sessions that ended before they could be named" : String.join("; ", holders))
                    + ". Nothing is fenced. Let those transactions end (or end them), then try again.");
        } catch (SQLException e) {
            throw new SafeshiftException(SafeshiftException.Kind.INTERNAL,
                    "PostgreSQL failed while fencing writes: " + SqlErrors.describe(e), SqlErrors.redact(e));
        } finally {
            if (!taken) {
                closeQuietly(connection);
            }
        }
    }

    /** The sessions holding the tables, named without their queries (which may carry row values). */
    private static List<String> holders(Connection connection, List<String> names) throws SQLException {
        List<String> holders = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(HOLDERS)) {
            Object[] array = names.toArray();
            statement.setArray(1, connection.createArrayOf("text", array));
            statement.setArray(2, connection.createArrayOf("text", array));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    holders.add("pid " + rows.getInt(1) + " (user " + rows.getString(2)
                            + (rows.getString(3) == null || rows.getString(3).isEmpty() ? "" : ", application "
                            + rows.getString(3)) + ", " + rows.getString(4) + ", transaction open "
                            + rows.getLong(5) + " s)");
                }
            }
        }
        return holders.stream().distinct().collect(Collectors.toList());
    }

    @Override
    public Instant fencedAt() {
        return fencedAt;
    }

    @Override
    public int attempt() {
        return attempt;
    }

    /**
     * The closure is created in the fence's transaction, which already holds the tables, and both
     * end with its commit: the moment writes could go on, they are refused.
     */
    @Override
    public synchronized void liftRefusingWrites(String migration) {
        if (lifted) {
            throw new IllegalStateException("the write fence was lifted already");
        }
        lifted = true;
        try {
            SourceClosure.close(connection, tables, migration);
            connection.commit();
        } catch (SQLException e) {
            throw new SafeshiftException(SafeshiftException.Kind.INTERNAL, "PostgreSQL failed while closing the source"
                    + " tables to writes: " + SqlErrors.describe(e), SqlErrors.redact(e));
        } finally {
            closeQuietly(connection);
        }
    }

    @Override
    public synchronized void close() {
        if (lifted) {
            return;
        }
        lifted = true;
        try {
            connection.rollback(); // nothing was written: ending the transaction releases the lock
        } catch (SQLException e) {
            LOG.warn("lifting the write fence: {}", SqlErrors.describe(e));
        } finally {
            // closing the session releases the lock too, whatever happened above
            closeQuietly(connection);
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // the session is gone, and its locks with it
        }
    }
}
