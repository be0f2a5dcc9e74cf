package dev.safeshift.postgres.change;

import dev.safeshift.SafeshiftException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Runs one schema change statement so that it never makes the application wait long: it asks for
 * its lock with a {@code lock_timeout}, and when the lock is not free in time (someone holds a
 * conflicting lock, often a long transaction) it gives up, which lets the writers queued behind it
 * go on, waits a little and tries again.
 *
 * <p>The writers' longest wait is the lock timeout plus the time the statement holds the lock
 * once it has it, which is why statements run through here are the short, catalog-only forms.
 */
public final class LockRetry {

    /** PostgreSQL's SQLSTATE for "could not obtain lock" after {@code lock_timeout}. */
    static final String LOCK_NOT_AVAILABLE = "55P03";

    private final Duration lockTimeout;
    private final int attempts;
    private final Duration maximumBackoff;
    private final Consumer<String> log;

    /**
     * @param lockTimeout    how long one attempt may wait for its lock
     * @param attempts       how many attempts before giving up
     * @param maximumBackoff the longest pause between attempts (pauses double from a tenth of a second)
     * @param log            told of each retry
     */
    public LockRetry(Duration lockTimeout, int attempts, Duration maximumBackoff, Consumer<String> log) {
        if (lockTimeout.isNegative() || lockTimeout.isZero() || attempts < 1) {
            throw new IllegalArgumentException("a lock timeout above 0 and at least one attempt are needed");
        }
        this.lockTimeout = lockTimeout;
        this.attempts = attempts;
        this.maximumBackoff = maximumBackoff;
        this.log = log;
    }

    /**
     * Runs {@code sql} in autocommit mode (as {@code CONCURRENTLY} statements need) and returns
     * how many attempts it took. {@code beforeEachAttempt} runs before every attempt, to undo what
     * an earlier attempt (or an earlier run that was killed) left behind, such as an invalid index
     * from CREATE INDEX CONCURRENTLY.
     */
    public int run(Connection connection, String sql, String what, SqlStep beforeEachAttempt) throws SQLException {
        connection.setAutoCommit(true);
        for (int attempt = 1; ; attempt++) {
            beforeEachAttempt.run(connection);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET lock_timeout = '" + lockTimeout.toMillis() + "ms'");
                try (NoticeRelay notices = NoticeRelay.start(statement, log)) {
                    statement.execute(sql);
                    return attempt;
                } finally {
                    statement.execute("RESET lock_timeout");
                }
            } catch (SQLException e) {
                if (!LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                    throw e;
                }
                if (attempt >= attempts) {
                    throw new SafeshiftException(SafeshiftException.Kind.STATE, what + " could not get its lock within "
                            + lockTimeout.toMillis() + " ms in " + attempts + " attempts: another session keeps a "
                            + "conflicting lock (often a long transaction; see pg_stat_activity). Nothing was held "
                            + "longer than that; run again once it has ended, or raise the change's lock timeout.", e);
                }
                Duration pause = backoff(attempt);
                log.accept(what + " waited " + lockTimeout.toMillis() + " ms for its lock without getting it (attempt "
                        + attempt + " of " + attempts + "); the application's writes went on; trying again in "
                        + pause.toMillis() + " ms");
                sleep(pause);
            }
        }
    }

    /** Doubling from 100 ms, capped, with jitter so two runners never retry in step. */
    Duration backoff(int attempt) {
        long base = Math.min(maximumBackoff.toMillis(), 100L << Math.min(attempt - 1, 20));
        long jitter = ThreadLocalRandom.current().nextLong(base / 2 + 1);
        return Duration.ofMillis(base / 2 + jitter);
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SafeshiftException(SafeshiftException.Kind.STATE, "interrupted while waiting to retry a lock");
        }
    }

    /** Something to run on the connection between attempts. */
    @FunctionalInterface
    public interface SqlStep {
        void run(Connection connection) throws SQLException;
    }
}
