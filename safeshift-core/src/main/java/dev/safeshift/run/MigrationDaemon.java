package dev.safeshift.run;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.CaptureStart;
import dev.safeshift.engine.ChangeStream;
import dev.safeshift.engine.Engine;
import dev.safeshift.engine.ForeignKeyStatus;
import dev.safeshift.engine.KeyRange;
import dev.safeshift.engine.Lag;
import dev.safeshift.engine.StreamProgress;
import dev.safeshift.engine.TableMove;
import dev.safeshift.plan.Plan;
import dev.safeshift.plan.TableSpec;
import dev.safeshift.store.ChunkRecord;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.MigrationRecord;
import dev.safeshift.store.Phase;
import dev.safeshift.store.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one process that moves data: backfill, then stream changes until stopped. What to do next
 * is decided from the control store, never from memory, so a killed daemon restarts where it was:
 * no chunks yet means start over cleanly; chunks left means resume the backfill; all chunks done
 * means stream from the committed position.
 */
public final class MigrationDaemon {

    private static final Logger LOG = LoggerFactory.getLogger(MigrationDaemon.class);

    private static final Duration REPORT_EVERY = Duration.ofSeconds(2);
    /** How often the stream brings along what it does not carry itself (sequence values). */
    private static final Duration SYNC_EVERY = Duration.ofSeconds(10);

    private final Plan plan;
    private final ControlStore store;
    private final Engine engine;
    private final RunListener listener;
    private final String actor;
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private final CountDownLatch stopSignal = new CountDownLatch(1);

    public MigrationDaemon(Plan plan, ControlStore store, Engine engine, RunListener listener, String actor) {
        this.plan = plan;
        this.store = store;
        this.engine = engine;
        this.listener = listener;
        this.actor = actor;
    }

    /** The name of the publication and replication slot of a plan's migration. */
    public static String captureName(Plan plan) {
        return "safeshift_" + plan.name();
    }

    /** Asks the daemon to stop after the work in hand is checkpointed. Safe from any thread. */
    public void stop() {
        stopRequested.set(true);
        stopSignal.countDown();
    }

    /** Runs until stopped (by {@link #stop()} or a stop request in the store) or until it fails. */
    public void run() throws InterruptedException {
        MigrationRecord migration = store.register(plan.name(), PlanSummary.json(plan));
        long id = migration.id();
        store.append(id, "daemon-started", actor, PlanSummary.daemonDetail());
        for (Request stale : store.pendingRequests(id)) {
            // made while no daemon was running; acting on it now would surprise whoever started this one
            store.completeRequest(stale.id(), "expired: made before this daemon started");
        }
        try {
            engine.preflight();
            List<ChunkRecord> chunks = store.chunks(id);
            List<TableMove> moves = describeAndPrepare(chunks.isEmpty());
            String capture = captureName(plan);
            if (chunks.isEmpty()) {
                startFresh(id, capture, moves);
            } else if (chunks.stream().anyMatch(c -> !c.done())) {
                requireCapture(capture);
                listener.info("Resuming the backfill: " + chunks.stream().filter(ChunkRecord::done).count() + " of "
                        + chunks.size() + " chunks were already copied.");
                try (CaptureStart snapshot = engine.freshSnapshot()) {
                    if (!backfill(id, moves, snapshot.snapshotId())) {
                        stopped(id);
                        return;
                    }
                }
                checkCopiedRows(id, moves);
                finishBackfill(id, moves);
            } else {
                requireCapture(capture);
                Phase phase = store.require(plan.name()).phase();
                if (phase != Phase.STREAMING && phase != Phase.STOPPED) {
                    // Copied, but the index build may not have finished (a crash or a failure there);
                    // building indexes is idempotent.
                    finishBackfill(id, moves);
                }
            }
            if (stopRequested.get()) {
                stopped(id);
                return;
            }
            stream(id, capture, moves);
        } catch (SafeshiftException | InterruptedException e) {
            failed(id, e);
            throw e;
        } catch (RuntimeException e) {
            failed(id, e);
            throw new SafeshiftException(SafeshiftException.Kind.INTERNAL, "the daemon stopped on an unexpected error: "
                    + e.getMessage() + " (details in the log)", e);
        }
    }

    /** Every table is described (and refused if it cannot move) before any target table is touched. */
    private List<TableMove> describeAndPrepare(boolean freshStart) {
        List<TableMove> moves = new ArrayList<>();
        for (TableSpec spec : plan.tables()) {
            TableMove move = new TableMove(engine.describeSource(spec), spec.target());
            move.source().definition().notes().forEach(listener::info);
            moves.add(move);
        }
        for (TableMove move : moves) {
            engine.prepareTarget(move, freshStart, false);
        }
        return moves;
    }

    private void startFresh(long id, String capture, List<TableMove> moves) throws InterruptedException {
        if (engine.captureExists(capture)) {
            // Left by a run that died before it planned any chunk: nothing depends on it yet.
            listener.info("Dropping the unused replication slot " + capture + " left by an interrupted start.");
            engine.dropCapture(capture);
        }
        listener.info("Creating replication slot " + capture + " with an exported snapshot.");
        try (CaptureStart start = engine.startCapture(capture, moves)) {
            store.saveStream(id, capture, capture, start.position());
            List<ChunkRecord> chunks = new ArrayList<>();
            for (TableMove move : moves) {
                List<KeyRange> ranges = engine.planChunks(move, start.snapshotId(), plan.copy().rowsPerChunk());
                long perChunk = Math.max(1, move.source().estimatedRows() / ranges.size());
                for (int i = 0; i < ranges.size(); i++) {
                    KeyRange range = ranges.get(i);
                    chunks.add(new ChunkRecord(move.key(), i, range.lower().map(BoundCodec::encode),
                            range.upper().map(BoundCodec::encode), perChunk, false, 0, Optional.empty()));
                }
            }
            store.saveChunks(id, chunks);
            store.setPhase(id, Phase.BACKFILL, "slot " + capture + " at " + start.position() + ", " + chunks.size() + " chunks");
            listener.info("Copying " + chunks.size() + " chunks from the snapshot at " + start.position() + ".");
            if (!backfill(id, moves, start.snapshotId())) {
                stopped(id);
                return;
            }
        }
        checkCopiedRows(id, moves);
        finishBackfill(id, moves);
    }

    private boolean backfill(long id, List<TableMove> moves, String snapshotId) throws InterruptedException {
        Thread watcher = new Thread(() -> watchDuringBackfill(moves), "safeshift-requests");
        watcher.setDaemon(true);
        watcher.start();
        try {
            return new Backfill(engine, store, id, listener, plan.copy().parallelism())
                    .copy(moves, snapshotId, stopRequested::get);
        } finally {
            watcher.interrupt();
        }
    }

    /** Handles requests and records row-count checkpoints while the backfill threads copy. */
    private void watchDuringBackfill(List<TableMove> moves) {
        long id = store.require(plan.name()).id();
        RowCountCheckpoint checkpoint = new RowCountCheckpoint(engine, store, id, actor);
        // How often the backfill records row counts; a system property shortens it for tests.
        Duration every = Duration.ofSeconds(Long.getLong("safeshift.rowCountCheckpointSeconds", 30));
        long nextCount = System.nanoTime(); // the first when the copy starts: the target's rows before it
        while (!stopRequested.get()) {
            try {
                handleRequests(id);
                if (System.nanoTime() >= nextCount) {
                    checkpoint.record(moves, false);
                    nextCount = System.nanoTime() + every.toNanos();
                }
                if (stopSignal.await(1, TimeUnit.SECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // a count that failed is a missing checkpoint, not a reason to stop the copy
                LOG.warn("row-count checkpoint failed", e);
            }
        }
    }

    /**
     * The final row-count checkpoint: with every chunk copied and the stream not yet started, the
     * target must hold exactly the rows the chunks copied.
     */
    private void checkCopiedRows(long id, List<TableMove> moves) {
        boolean consistent;
        try {
            consistent = new RowCountCheckpoint(engine, store, id, actor).record(moves, true);
        } catch (RuntimeException e) {
            // the copy is done and checkpointed; a count that failed must not stop the migration
            LOG.warn("final row-count checkpoint failed", e);
            listener.info("The final row-count checkpoint could not be recorded: " + e.getMessage());
            return;
        }
        if (!consistent) {
            listener.info("WARNING: the target's row count differs from the rows the backfill copied (details in the "
                    + "timeline, event " + RowCountCheckpoint.EVENT + "). Something else writes to the target table; "
                    + "run safeshift verify to see the rows.");
        }
    }

    private void finishBackfill(long id, List<TableMove> moves) {
        listener.info("Backfill done. Creating secondary indexes on the target.");
        moves.forEach(engine::finishTarget);
        ForeignKeyStatus foreignKeys = engine.addForeignKeys(moves);
        foreignKeys.notes().forEach(listener::info);
        engine.syncSequences(moves);
        store.setPhase(id, Phase.STREAMING, "backfill complete");
    }

    private void stream(long id, String capture, List<TableMove> moves) throws InterruptedException {
        if (store.find(plan.name()).map(MigrationRecord::phase).orElse(Phase.STREAMING) != Phase.STREAMING) {
            store.setPhase(id, Phase.STREAMING, "resumed");
        }
        listener.info("Streaming changes from slot " + capture + ".");
        try (ChangeStream stream = engine.openStream(capture, moves);
             ScheduledVerification verification = plan.verify().map(schedule -> new ScheduledVerification(engine,
                     store, id, plan.name(), moves, capture, schedule, plan.copy().parallelism(), listener, actor))
                     .orElse(null)) {
            stream.start();
            long nextReport = 0;
            long nextSync = System.currentTimeMillis() + SYNC_EVERY.toMillis();
            // A restarted daemon does not know whether every foreign key was validated: look once.
            boolean foreignKeysPending = true;
            while (!stopRequested.get()) {
                Optional<Throwable> failure = stream.failure();
                if (failure.isPresent()) {
                    Throwable cause = failure.get();
                    if (cause instanceof SafeshiftException safeshift) {
                        throw safeshift;
                    }
                    throw new SafeshiftException(SafeshiftException.Kind.INTERNAL,
                            "the change stream stopped: " + cause.getMessage(), cause);
                }
                handleRequests(id);
                if (verification != null) {
                    verification.startIfDue();
                }
                if (System.currentTimeMillis() >= nextReport) {
                    report(id, capture, stream.progress());
                    nextReport = System.currentTimeMillis() + REPORT_EVERY.toMillis();
                }
                if (System.currentTimeMillis() >= nextSync) {
                    foreignKeysPending = syncTarget(moves, foreignKeysPending);
                    nextSync = System.currentTimeMillis() + SYNC_EVERY.toMillis();
                }
                stopSignal.await(250, TimeUnit.MILLISECONDS);
            }
            syncTarget(moves, false);
            StreamProgress last = stream.progress();
            report(id, capture, last);
            listener.info(String.format("stream summary: %d changes applied, apply delay of recent changes "
                    + "p50 %d ms, p99 %d ms", last.eventsApplied(), last.applyLagP50Millis(), last.applyLagP99Millis()));
        }
        stopped(id);
    }

    /**
     * Sequence values, and foreign keys that could not be validated when the backfill ended, follow
     * the stream; a failure here is retried at the next interval rather than stopping the stream.
     * Returns whether foreign keys are still waiting to be validated.
     */
    private boolean syncTarget(List<TableMove> moves, boolean foreignKeysPending) {
        try {
            engine.syncSequences(moves);
            if (foreignKeysPending) {
                ForeignKeyStatus status = engine.addForeignKeys(moves);
                if (status.notYetValidated() == 0) {
                    return false;
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("bringing sequences or foreign keys of the target up to date failed", e);
        }
        return foreignKeysPending;
    }

    private void report(long id, String capture, StreamProgress progress) {
        Lag lag = engine.lag(capture, progress);
        String position = progress.appliedPosition().orElse("");
        store.reportStream(id, position, lag.bytes(), lag.millis(), progress.eventsApplied());
        StreamStatus status = new StreamStatus(lag.bytes(), lag.millis(), progress.eventsApplied(),
                progress.applyLagP50Millis(), progress.applyLagP99Millis(), position);
        listener.streaming(status);
    }

    private void handleRequests(long id) {
        for (Request request : store.pendingRequests(id)) {
            if (Request.STOP.equals(request.kind())) {
                listener.info("Stop requested by " + request.requestedBy() + ".");
                store.completeRequest(request.id(), "stopping");
                stop();
            } else {
                store.completeRequest(request.id(), "ignored: unknown request");
            }
        }
    }

    private void requireCapture(String capture) {
        if (!engine.captureExists(capture)) {
            throw new SafeshiftException(SafeshiftException.Kind.STATE,
                    "the replication slot " + capture + " that this migration reads from no longer exists on the source, "
                            + "so changes made since it was dropped are lost to Safeshift. Start over with "
                            + "safeshift abort followed by safeshift run.");
        }
    }

    private void stopped(long id) {
        Phase phase = store.require(plan.name()).phase();
        if (phase == Phase.STREAMING) {
            store.setPhase(id, Phase.STOPPED, "stopped on request; run again to resume");
        }
        store.append(id, "daemon-stopped", actor, "{}");
        listener.info("Daemon stopped; running it again resumes from here.");
    }

    private void failed(long id, Exception e) {
        try {
            store.append(id, "daemon-failed", actor, PlanSummary.errorDetail(e));
            Phase phase = store.require(plan.name()).phase();
            if (phase == Phase.BACKFILL || phase == Phase.STREAMING) {
                store.setPhase(id, Phase.FAILED, String.valueOf(e.getMessage()));
            }
        } catch (RuntimeException secondary) {
            e.addSuppressed(secondary);
        }
    }
}
