package dev.safeshift.postgres.stream;

import dev.safeshift.engine.SchemaChangedException;
import dev.safeshift.engine.StreamProgress;
import dev.safeshift.postgres.SqlErrors;
import dev.safeshift.postgres.stream.AppliedPositionTable.AppliedPosition;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.postgresql.replication.LogSequenceNumber;

/**
 * Receives Debezium's record batches and applies them to the target with an exactly-once effect.
 *
 * <p>The target only ever commits at source transaction boundaries, together with the commit
 * position of the last source transaction it contains. After a restart the slot replays from its
 * confirmed position, which may be behind the target; a replayed transaction is recognised at its
 * end by a commit position at or before the one recorded in the target, and what was applied of it
 * is rolled back. Positions come from the log itself, so the check does not depend on Debezium's
 * bookkeeping. Records are marked processed only once their effect is committed, so the slot never
 * moves past what the target holds.
 */
final class BatchApplier implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {

    private static final Logger LOG = LoggerFactory.getLogger(BatchApplier.class);

    private final String captureName;
    private final Connection connection;
    private final RecordReader reader;
    private final ChangeApplier applier;
    /**
     * Apply-lag percentiles cover the last minute by default, in 10-second slices; benchmarks set
     * {@code -Dsafeshift.lagWindowSeconds} to cover a whole measured run.
     */
    private final LagWindow lag = new LagWindow(
            (int) Math.max(1, Long.getLong("safeshift.lagWindowSeconds", 60) / 10), 10_000);
    private final ReentrantLock batchLock = new ReentrantLock();
    private final long eventsBeforeStart;

    /** What the target holds durably; {@code null} before the first commit of this capture. */
    private volatile AppliedPosition committed;
    private volatile long reportedPosition;
    private volatile long eventsApplied;
    private volatile long lastSourceMillis;
    private volatile long lastAppliedMillis;
    private volatile long lastApplyDelayMillis;
    private volatile boolean stopping;
    private long replayedTransactions;

    // the open target transaction ("group" of whole source transactions)
    private boolean inSourceTransaction;
    /** Whether a change of the source transaction in hand is in the open group. */
    private boolean transactionApplied;
    /** Whether the open group holds a whole source transaction with changes, to commit at {@link #groupCommitLsn}. */
    private boolean groupEnded;
    private boolean dirty;
    private long groupCommitLsn;
    private long groupEventLsn;
    private long groupEvents;
    private long groupLastSourceMillis;
    private final List<long[]> groupSourceMillisRuns = new ArrayList<>();
    /** Latest record whose effect is committed (or needs none), to mark processed. */
    private RecordChangeEvent<SourceRecord> durable;
    /** Latest record whose effect waits for the open target transaction. */
    private RecordChangeEvent<SourceRecord> awaitingCommit;

    BatchApplier(String captureName, Connection connection, RecordReader reader, Optional<AppliedPosition> start) {
        this.captureName = captureName;
        this.connection = connection;
        this.reader = reader;
        this.applier = new ChangeApplier(connection);
        this.committed = start.orElse(null);
        this.reportedPosition = start.map(AppliedPosition::commitLsn).orElse(0L);
        this.eventsBeforeStart = start.map(AppliedPosition::eventsApplied).orElse(0L);
    }

    @Override
    public void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
                            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        batchLock.lock();
        try {
            if (stopping) {
                return; // nothing marked: these records are streamed again next time
            }
            for (RecordChangeEvent<SourceRecord> record : records) {
                handle(record);
            }
            if (dirty && !inSourceTransaction) {
                commitGroup();
            }
            if (durable != null) {
                committer.markProcessed(durable);
                durable = null;
            }
            committer.markBatchFinished();
        } catch (SchemaChangedException changed) {
            stopping = true;
            rollbackQuietly();
            throw changed;
        } catch (SQLException | RuntimeException e) {
            stopping = true;
            rollbackQuietly();
            // the exception is logged by Debezium and by the stream: no row values in it (SqlErrors)
            String reason = e instanceof SQLException sql ? SqlErrors.describe(sql) : e.getMessage();
            throw new ApplyException("applying changes to the target failed: " + reason, SqlErrors.redact(e));
        } finally {
            batchLock.unlock();
        }
    }

    private void handle(RecordChangeEvent<SourceRecord> record) throws SQLException {
        StreamEvent event;
        try {
            event = reader.read(record.record());
        } catch (SchemaChangedException changed) {
            throw stopBefore(changed);
        }
        if (event instanceof StreamEvent.Begin) {
            if (inSourceTransaction) {
                // The connector reconnected and streams again from its last confirmed offset, which
                // is at or before everything in the open target transaction: drop it, it all comes again.
                LOG.warn("Capture {}: the source stream restarted inside a transaction; "
                        + "re-applying from the last committed position", captureName);
                applier.discard();
                connection.rollback();
                resetGroup();
            }
            inSourceTransaction = true;
            transactionApplied = false;
        } else if (event instanceof StreamEvent.End end) {
            inSourceTransaction = false;
            endOfSourceTransaction(end.commitLsn());
        } else if (event instanceof StreamEvent.Mark) {
            marked();
        } else if (event instanceof StreamEvent.RowChange change) {
            requireSourceTransaction();
            applier.apply(change);
            applied(change.lsn(), change.sourceMillis());
        } else if (event instanceof StreamEvent.Truncate truncate) {
            requireSourceTransaction();
            applier.truncate(truncate.move());
            applied(truncate.lsn(), truncate.sourceMillis());
        }
        if (dirty) {
            awaitingCommit = record;
        } else if (!inSourceTransaction) {
            durable = record;
        }
    }

    /**
     * Stops before a change whose columns are not the move's (a schema change on the source). When
     * nothing of its source transaction was applied yet, the whole source transactions before it
     * commit with their position, so the target holds every change up to it and none after; otherwise
     * the open group is rolled back (by the caller) and the target stays at its last commit. Either way
     * the stream starts again from the applied position, so nothing is skipped.
     */
    private SchemaChangedException stopBefore(SchemaChangedException changed) throws SQLException {
        if (groupEnded && !transactionApplied) {
            commitGroup();
        }
        return changed;
    }

    /** Without its transaction's end, a change has no commit position to be applied exactly once with. */
    private void requireSourceTransaction() {
        if (!inSourceTransaction) {
            throw new IllegalStateException("a change arrived outside a source transaction; "
                    + "transaction metadata must be enabled in the connector");
        }
    }

    /**
     * A mark makes its transaction one to commit, so that the applied position reaches the mark's
     * transaction even when it changes no row. It is no change: counts and lag stay as they are.
     * Marks are always written in a transaction; one written outside (by hand) has no commit
     * position to record and is passed over.
     */
    private void marked() {
        if (inSourceTransaction) {
            dirty = true;
        }
    }

    private void applied(long lsn, long sourceMillis) {
        dirty = true;
        transactionApplied = true;
        groupEvents++;
        groupEventLsn = lsn;
        groupLastSourceMillis = sourceMillis;
        long[] last = groupSourceMillisRuns.isEmpty() ? null : groupSourceMillisRuns.get(groupSourceMillisRuns.size() - 1);
        if (last != null && last[0] == sourceMillis) {
            last[1]++;
        } else {
            groupSourceMillisRuns.add(new long[] {sourceMillis, 1});
        }
    }

    private void endOfSourceTransaction(long commitLsn) throws SQLException {
        AppliedPosition done = committed;
        if (done != null && Long.compareUnsigned(commitLsn, done.commitLsn()) <= 0) {
            // Replayed from the slot after a restart: the target already holds this transaction.
            // Log order means everything before it in the open group is a replay too.
            if (dirty) {
                applier.discard();
                connection.rollback();
                resetGroup();
            }
            replayedTransactions++;
            return;
        }
        groupCommitLsn = commitLsn;
        groupEnded |= dirty;
        if (!dirty) {
            // nothing of ours in it (e.g. another table's transaction): applied by definition
            reportedPosition = commitLsn;
        }
    }

    private void commitGroup() throws SQLException {
        applier.flush();
        List<String> missed = applier.missedUpdates();
        if (!missed.isEmpty()) {
            throw new IllegalStateException("the target has no row for " + missed.size() + " change(s) that only "
                    + "carry the changed columns (first: " + missed.get(0) + "), so the row cannot be rebuilt from "
                    + "the log; the target is out of step with the source and the table needs copying again");
        }
        long total = eventsBeforeStart + eventsApplied + groupEvents;
        // a group of marks only applied no row change: the last one applied stays as it was
        long eventLsn = groupEvents > 0 ? groupEventLsn : committed == null ? 0 : committed.eventLsn();
        AppliedPosition position = new AppliedPosition(groupCommitLsn, eventLsn, total, Instant.now());
        AppliedPositionTable.write(connection, captureName, position);
        connection.commit();
        long now = System.currentTimeMillis();
        for (long[] run : groupSourceMillisRuns) {
            lag.record(now - run[0], run[1], now);
        }
        if (groupLastSourceMillis > 0) {
            lastApplyDelayMillis = Math.max(0, now - groupLastSourceMillis);
            lastAppliedMillis = now;
            lastSourceMillis = groupLastSourceMillis;
        }
        applier.committed();
        committed = position;
        reportedPosition = groupCommitLsn;
        eventsApplied += groupEvents;
        if (replayedTransactions > 0) {
            LOG.info("Capture {}: skipped {} source transactions already applied before the restart",
                    captureName, replayedTransactions);
            replayedTransactions = 0;
        }
        durable = awaitingCommit;
        resetGroup();
    }

    private void resetGroup() {
        dirty = false;
        groupEnded = false;
        groupEvents = 0;
        groupEventLsn = 0;
        groupLastSourceMillis = 0;
        groupSourceMillisRuns.clear();
        awaitingCommit = null;
    }

    private void rollbackQuietly() {
        try {
            applier.discard();
            connection.rollback();
        } catch (SQLException | RuntimeException e) {
            LOG.debug("Rollback after a failed batch failed too", e);
        }
        resetGroup();
    }

    /** Waits for the batch in hand to finish, then refuses further batches. */
    void stop() {
        batchLock.lock();
        try {
            stopping = true;
        } finally {
            batchLock.unlock();
        }
    }

    StreamProgress progress() {
        long now = System.currentTimeMillis();
        long position = reportedPosition;
        long last = lastSourceMillis;
        long applied = lastAppliedMillis;
        return new StreamProgress(
                position == 0 ? Optional.empty() : Optional.of(LogSequenceNumber.valueOf(position).asString()),
                eventsApplied,
                last == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(last)),
                lag.percentile(50, now),
                lag.percentile(99, now),
                applied == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(applied)),
                lastApplyDelayMillis);
    }

    void closeStatements() {
        applier.close();
    }

    /** The target could not take a batch; the stream stops and reports it. */
    static final class ApplyException extends RuntimeException {
        ApplyException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
