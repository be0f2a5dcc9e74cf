package dev.safeshift.run;

import dev.safeshift.OutOfMemory;
import dev.safeshift.SafeshiftException;
import dev.safeshift.cutover.Leg;
import dev.safeshift.engine.CaptureStart;
import dev.safeshift.engine.Snapshot;
import dev.safeshift.engine.Engine;
import dev.safeshift.engine.ForeignKeyStatus;
import dev.safeshift.engine.KeyRange;
import dev.safeshift.engine.SchemaChange;
import dev.safeshift.engine.Side;
import dev.safeshift.engine.SourceIdentity;
import dev.safeshift.engine.TableMove;
import dev.safeshift.jdbc.ConnectionLoss;
import dev.safeshift.plan.Durations;
import dev.safeshift.plan.ExistingRows;
import dev.safeshift.plan.Plan;
import dev.safeshift.plan.TableSpec;
import dev.safeshift.store.ChunkRecord;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.DaemonLock;
import dev.safeshift.store.MigrationRecord;
import dev.safeshift.store.Phase;
import dev.safeshift.store.Request;
import dev.safeshift.store.StreamState;
import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one process that moves data: backfill, then stream changes until stopped. What to do next
 * is decided from the control store, never from memory, so a killed daemon restarts where it was:
 * no chunks yet means start over cleanly; chunks left means resume the backfill; all chunks done
 * means stream from the committed position. Transient failures (a restarted server, a terminated
 * session) are retried the same way, from the store, until the plan's retry limit.
 */
public final class MigrationDaemon {

    private static final Logger LOG = LoggerFactory.getLogger(MigrationDaemon.class);

    static final Duration REPORT_EVERY = Duration.ofSeconds(2);
    private static final SecureRandom TOKENS = new SecureRandom();
    /** How often the stream brings along what it does not carry itself (sequence values). */
    static final Duration SYNC_EVERY = Duration.ofSeconds(10);
    /** How long the routers' query-pattern samples are kept, and how often older ones are deleted. */
    static final Duration ROUTER_SAMPLES_KEPT = Duration.ofDays(7);
    static final Duration ROUTER_SAMPLES_PRUNED_EVERY = Duration.ofMinutes(10);
    /** How often the capture of the stream that is not running is moved up to now, so its log is not kept. */
    static final Duration WAY_BACK_ADVANCED_EVERY = Duration.ofMinutes(1);
    /** How often the daemon's loop looks at the stream, its requests and its periodic work. */
    static final Duration TICK = Duration.ofMillis(250);

    private final Plan plan;
    private final ControlStore store;
    private final Engine engine;
    private final RunListener listener;
    private final String actor;
    private final RetryPolicy retry;
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    /** Set when traffic moved to the other side: the stream in hand ends, and the one the other way starts. */
    private final AtomicBoolean switched = new AtomicBoolean();
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    /** Set when another daemon took the lock: this one stops with it. */
    private final AtomicReference<SafeshiftException> lockLost = new AtomicReference<>();
    private final RetryLog retries;

    public MigrationDaemon(Plan plan, ControlStore store, Engine engine, RunListener listener, String actor) {
        this(plan, store, engine, listener, actor, new RetryPolicy(plan.retry().giveUpAfter()));
    }

    public MigrationDaemon(Plan plan, ControlStore store, Engine engine, RunListener listener, String actor,
                           RetryPolicy retry) {
        this.plan = plan;
        this.store = store;
        this.engine = engine;
        this.listener = listener;
        this.actor = actor;
        this.retry = retry;
        this.retries = new RetryLog(store, actor);
    }

    /** The capture (replication slot and publication) a migration recorded in the store, if any. */
    public static Optional<String> captureName(ControlStore store, long migrationId) {
        return store.stream(migrationId).map(StreamState::slotName);
    }

    /**
     * A new capture name: {@code safeshift_<migration>_<token>}. The token makes two migrations with
     * the same name (another store, another target) own different slots, and is recorded in the store
     * before the slot is created.
     */
    static String newCaptureName(String migration) {
        byte[] token = new byte[4];
        TOKENS.nextBytes(token);
        return "safeshift_" + migration + "_" + HexFormat.of().formatHex(token);
    }

    Plan plan() {
        return plan;
    }

    ControlStore store() {
        return store;
    }

    Engine engine() {
        return engine;
    }

    RunListener listener() {
        return listener;
    }

    String actor() {
        return actor;
    }

    /** Records, with the stream's report, that the retries before it came through. */
    void recordPendingRetries(long id) {
        retries.recordPending(id);
    }

    /** Whether the loop in hand should end: a stop was asked for, or traffic moved to the other side. */
    boolean loopEnds() {
        return stopRequested.get() || switched.get();
    }

    /** Traffic moved to the other side: the stream in hand ends. */
    void switched() {
        switched.set(true);
    }

    /** Whether traffic moved since the last call, which clears it. */
    boolean takeSwitched() {
        return switched.getAndSet(false);
    }

    /** Waits one tick of the loop, or less when a stop is asked for. */
    void awaitTick() throws InterruptedException {
        stopSignal.await(TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Asks the daemon to stop after the work in hand is checkpointed. Safe from any thread. */
    public void stop() {
        stopRequested.set(true);
        stopSignal.countDown();
    }

    /**
     * Runs until stopped (by {@link #stop()} or a stop request in the store) or until it fails.
     * Holds the migration's lock in the control store throughout: a second daemon is refused.
     */
    public void run() throws InterruptedException {
        try (DaemonLock lock = DaemonLock.acquire(plan.controlEndpoint(), plan.control().schema(), plan.name())) {
            MigrationRecord migration = store.register(plan.name(), PlanSummary.json(plan));
            long id = migration.id();
            if (store.stream(id).isEmpty() && store.chunks(id).isEmpty()) {
                // nothing was created for the plan it was registered with: this plan replaces it
                if (!store.planJson(id).map(registered -> PlanIdentity.same(registered, plan)).orElse(true)) {
                    store.replacePlan(id, PlanSummary.json(plan), actor);
                }
            } else {
                store.planJson(id).ifPresent(registered -> PlanIdentity.requireSame(registered, plan));
            }
            store.append(id, "daemon-started", actor, PlanSummary.daemonDetail());
            for (Request stale : store.pendingRequests(id)) {
                // made while no daemon was running; acting on it now would surprise whoever started this one
                store.completeRequest(stale.id(), "expired: made before this daemon started");
            }
            DaemonGuard guard = new DaemonGuard(store, id, daemonName(), lock,
                    () -> DaemonLock.acquire(plan.controlEndpoint(), plan.control().schema(), plan.name()),
                    this::lockTaken, listener, actor);
            guard.start();
            try {
                runWithRetries(id);
            } catch (SafeshiftException | InterruptedException e) {
                failed(id, e);
                throw e;
            } catch (RuntimeException | OutOfMemoryError e) {
                // An OutOfMemoryError may arrive wrapped, e.g. in the "Self-suppression not permitted"
                // of a try-with-resources whose close() failed with the same preallocated error.
                Optional<OutOfMemoryError> outOfMemory = OutOfMemory.find(e);
                SafeshiftException reported = outOfMemory.isPresent()
                        ? OutOfMemory.describe(outOfMemory.get(), "running the migration")
                        : new SafeshiftException(SafeshiftException.Kind.INTERNAL, "the daemon stopped on an unexpected"
                                + " error: " + e.getMessage() + " (details in the log)", e);
                failed(id, reported);
                throw reported;
            } finally {
                guard.close();
                try {
                    store.daemonEnded(id);
                } catch (RuntimeException e) {
                    LOG.warn("could not record that the daemon ended: {}", e.getMessage());
                }
            }
        }
    }

    private void lockTaken(SafeshiftException reason) {
        lockLost.set(reason);
        stop();
    }

    /**
     * Does the migration's work; a failure that is a lost connection is retried with backoff once
     * the daemon got past its checks (a database that is down when the daemon starts is reported at
     * once), from what the store says, until failures have lasted the plan's retry limit.
     */
    private void runWithRetries(long id) throws InterruptedException {
        AtomicBoolean started = new AtomicBoolean();
        Instant failingSince = null;
        int attempt = 0;
        while (true) {
            Instant attemptStarted = Instant.now();
            try {
                work(id, started);
                requireLock();
                return;
            } catch (RuntimeException e) {
                requireLock();
                if (stopRequested.get() || !started.get() || !ConnectionLoss.isLoss(e)) {
                    throw e;
                }
                Instant now = Instant.now();
                if (failingSince == null || Duration.between(attemptStarted, now).compareTo(RetryPolicy.RECOVERED_AFTER) >= 0) {
                    failingSince = attemptStarted;
                    attempt = 0;
                }
                Duration failingFor = Duration.between(failingSince, now);
                if (failingFor.compareTo(retry.giveUpAfter()) >= 0) {
                    throw new SafeshiftException(SafeshiftException.Kind.UNREACHABLE, "gave up after retrying for "
                            + Durations.format(failingFor) + " (retry.give-up-after is " + Durations.format(retry.giveUpAfter())
                            + "): " + e.getMessage() + " Run safeshift run again once the databases are back; it resumes"
                            + " where the migration stopped.", e);
                }
                attempt++;
                Duration wait = retry.delay(attempt);
                LOG.warn("transient failure, retrying in {} s (attempt {})", wait.toSeconds(), attempt, e);
                listener.info("Lost a database connection (" + e.getMessage() + "). Retrying in " + wait.toSeconds()
                        + " s (attempt " + attempt + "; gives up after " + Durations.format(retry.giveUpAfter()) + ").");
                retries.record(id, e, attempt, wait);
                if (stopSignal.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                    stopped(id);
                    return;
                }
            }
        }
    }

    private void requireLock() {
        SafeshiftException lost = lockLost.get();
        if (lost != null) {
            throw lost;
        }
    }

    private void work(long id, AtomicBoolean started) throws InterruptedException {
        retries.recordPending(id);
        if (store.require(plan.name()).phase() == Phase.COMPLETED) {
            // a daemon that died while completing left captures behind: they go now
            new Completion(this, id).dropCaptures();
            listener.info("Migration " + plan.name() + " is complete; there is nothing left to do.");
            return;
        }
        engine.preflight();
        List<ChunkRecord> chunks = store.chunks(id);
        List<TableMove> moves = describeAndPrepare(id, chunks.isEmpty(), chunks.stream().anyMatch(c -> !c.done()));
        started.set(true);
        String capture;
        if (chunks.isEmpty()) {
            Optional<String> fresh = startFresh(id, moves);
            if (fresh.isEmpty()) {
                stopped(id);
                return;
            }
            capture = fresh.get();
        } else {
            capture = CaptureOwnership.owned(plan, store, engine, id);
            if (markCopiedChunks(id, capture)) {
                chunks = store.chunks(id);
            }
            if (chunks.stream().anyMatch(c -> !c.done())) {
                String copied = chunks.stream().filter(ChunkRecord::done).count() + " of " + chunks.size() + " chunks";
                listener.info("Resuming the backfill: " + copied + " were already copied.");
                if (store.require(plan.name()).phase() != Phase.BACKFILL) {
                    store.setPhase(id, Phase.BACKFILL, "resumed with " + copied + " copied");
                }
                try (CaptureStart snapshot = engine.freshSnapshot()) {
                    if (!backfill(id, capture, moves, snapshot.snapshot())) {
                        stopped(id);
                        return;
                    }
                }
                new RowCountCheckpoint(engine, store, id, actor).recordFinal(moves, listener);
                finishBackfill(id, moves);
            } else {
                Phase phase = store.require(plan.name()).phase();
                if (phase == Phase.BACKFILL || phase == Phase.FAILED || phase == Phase.PLANNED) {
                    // Copied, but the index build may not have finished (a crash or a failure there);
                    // building indexes is idempotent.
                    finishBackfill(id, moves);
                }
            }
        }
        if (stopRequested.get()) {
            stopped(id);
            return;
        }
        Phase phase = store.require(plan.name()).phase();
        if (phase == Phase.CUTTING_OVER || phase == Phase.ROLLING_BACK) {
            try (WayBack back = WayBack.open(plan, store, id, moves)) {
                String reverse = back.ownedCapture();
                Leg leg = phase == Phase.CUTTING_OVER
                        ? new Leg(Side.SOURCE, engine, capture, moves, back.engine(), reverse, back.moves())
                        : new Leg(Side.TARGET, back.engine(), reverse, back.moves(), engine, capture, moves);
                SwitchRequest.recover(plan, store, id, leg, listener, actor);
            }
        }
        stream(id, capture, moves);
    }

    /**
     * Every table is described (and refused if it cannot move) and checked not to be moved onto
     * itself before any target table is touched. A migration under way also follows what changed in
     * the source tables' columns since the target was last in step (see {@link SchemaFollower#resume}).
     */
    private List<TableMove> describeAndPrepare(long id, boolean freshStart, boolean copyPending) {
        SchemaFollower schemas = new SchemaFollower(engine, store, id, listener, actor);
        List<TableMove> moves = new ArrayList<>();
        for (TableSpec spec : plan.tables()) {
            TableMove move = new TableMove(engine.describeSource(spec), spec.target(), !spec.columns().isEmpty());
            move.source().definition().notes().forEach(listener::info);
            moves.add(freshStart ? move : schemas.resume(move, copyPending));
        }
        engine.refuseSelfMoves(moves);
        for (int i = 0; i < moves.size(); i++) {
            TableSpec spec = plan.tables().get(i);
            boolean replace = freshStart && spec.existingRows() == ExistingRows.REPLACE;
            long replaced = engine.prepareTarget(moves.get(i), freshStart, replace);
            if (replaced > 0) {
                listener.info("Deleted " + replaced + " rows that were in the target table " + spec.target()
                        + " before the migration started (tables[].existing-rows: replace).");
                store.append(id, "target-rows-replaced", actor, new com.fasterxml.jackson.databind.ObjectMapper()
                        .createObjectNode().put("table", spec.target().toString()).put("rows", replaced).toString());
            }
        }
        return moves;
    }

    /**
     * Creates the capture and copies every chunk; returns the capture's name, or empty when the
     * daemon was stopped during the copy. The capture is recorded in the store before it is created,
     * so a start that dies half-way leaves a slot this migration knows as its own.
     */
    private Optional<String> startFresh(long id, List<TableMove> moves) throws InterruptedException {
        SourceIdentity source = engine.identifySource();
        Optional<StreamState> recorded = store.stream(id);
        String capture;
        if (recorded.isPresent()) {
            // an earlier start of this migration recorded it, and died before it planned any chunk
            capture = recorded.get().slotName();
            CaptureOwnership.requireSameSource(plan, recorded.get(), source);
            if (engine.captureExists(capture)) {
                listener.info("Dropping replication slot " + capture + ", which this migration created in a start that"
                        + " was interrupted before it copied anything.");
                engine.dropCapture(capture);
            }
        } else {
            capture = newCaptureName(plan.name());
        }
        store.recordCapture(id, capture, capture, Optional.of(source.systemId()), Optional.of(source.database()));
        listener.info("Creating replication slot " + capture + " with an exported snapshot.");
        try (CaptureStart start = engine.startCapture(capture, moves)) {
            store.captureStarted(id, start.position());
            List<ChunkRecord> chunks = new ArrayList<>();
            for (TableMove move : moves) {
                List<KeyRange> ranges = engine.planChunks(move, start.snapshot(), plan.copy().rowsPerChunk());
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
            if (!backfill(id, capture, moves, start.snapshot())) {
                return Optional.empty();
            }
        }
        new RowCountCheckpoint(engine, store, id, actor).recordFinal(moves, listener);
        finishBackfill(id, moves);
        return Optional.of(capture);
    }

    /**
     * Chunks whose rows committed in the target after the store last heard of them (the daemon died
     * between the two): the target's marks say so, and they are checkpointed here without copying
     * them again. Returns whether any was.
     */
    private boolean markCopiedChunks(long id, String capture) {
        Map<String, Map<Integer, Long>> copied = engine.copiedChunks(capture);
        int marked = 0;
        for (ChunkRecord chunk : store.chunks(id)) {
            Long rows = copied.getOrDefault(chunk.table(), Map.of()).get(chunk.chunkNo());
            if (!chunk.done() && rows != null) {
                store.markChunkDone(id, chunk.table(), chunk.chunkNo(), rows);
                marked++;
            }
        }
        if (marked > 0) {
            listener.info(marked + " chunk(s) had been copied into the target just before the daemon stopped;"
                    + " they are checkpointed now, not copied again.");
        }
        return marked > 0;
    }

    private boolean backfill(long id, String capture, List<TableMove> moves, Snapshot snapshot) throws InterruptedException {
        BackfillWatch watch = new BackfillWatch(new RowCountCheckpoint(engine, store, id, actor), engine, store, id,
                capture, moves, requests(id)::dispatch, stopSignal);
        Thread watcher = new Thread(watch, "safeshift-requests");
        watcher.setDaemon(true);
        watcher.start();
        try {
            return new Backfill(engine, store, id, capture, listener, plan.copy().parallelism())
                    .copy(moves, snapshot, stopRequested::get);
        } finally {
            watch.finish();
            watcher.interrupt();
        }
    }

    private void finishBackfill(long id, List<TableMove> moves) {
        listener.info("Backfill done. Creating primary keys and secondary indexes on the target.");
        // Before anything streams: the stream's upserts need the key.
        moves.forEach(move -> engine.finishTarget(move, plan.copy().parallelism()));
        ForeignKeyStatus foreignKeys = engine.addForeignKeys(moves);
        foreignKeys.notes().forEach(listener::info);
        engine.syncSequences(moves);
        store.setPhase(id, Phase.STREAMING, "backfill complete");
    }

    /**
     * Streams until stopped. When the stream stops before a schema change the target can be given
     * exactly, the change is applied, the sources are described again and streaming goes on from the
     * same applied position.
     */
    private void stream(long id, String capture, List<TableMove> moves) throws InterruptedException {
        List<TableMove> current = moves;
        while (!stopRequested.get()) {
            Phase phase = store.require(plan.name()).phase();
            if (phase == Phase.COMPLETED) {
                listener.info("Migration " + plan.name() + " is complete: the application stays on the target, and"
                        + " nothing streams any more.");
                return;
            }
            if (phase == Phase.CUT_OVER) {
                if (!new BackStream(this, id, capture, current).run()) {
                    break;
                }
                continue;
            }
            if (phase != Phase.STREAMING) {
                store.setPhase(id, Phase.STREAMING, "resumed");
            }
            Optional<SchemaChange> change = new ForwardStream(this, id, capture, current).run();
            if (change.isPresent()) {
                new SchemaFollower(engine, store, id, listener, actor).apply(change.get());
                current = describeAndPrepare(id, false, false);
            } else if (!takeSwitched()) {
                break;
            }
        }
        stopped(id);
    }

    /** The requests this daemon takes during the backfill, and what it does with each. */
    private RequestDispatcher requests(long id) {
        return requests(id, Map.of(
                Request.CUTOVER, refused("the backfill is not finished; a cutover can start once the migration streams"),
                Request.ROLLBACK, refused("the migration is not cut over: the application runs on the source"),
                Request.COMPLETE, refused("the migration is not cut over: the application runs on the source")));
    }

    /** The requests this daemon takes: a stop, and what the phase it is in takes besides. */
    RequestDispatcher requests(long id, Map<String, RequestDispatcher.Handler> handlers) {
        Map<String, RequestDispatcher.Handler> all = new java.util.HashMap<>(handlers);
        all.put(Request.STOP, request -> {
            listener.info("Stop requested by " + request.requestedBy() + ".");
            stop();
            return "stopping";
        });
        return new RequestDispatcher(store, id, all);
    }

    static RequestDispatcher.Handler refused(String why) {
        return request -> {
            throw new SafeshiftException(SafeshiftException.Kind.STATE, why);
        };
    }

    private void stopped(long id) {
        requireLock();
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
            if (e == lockLost.get()) {
                return; // the daemon that took the lock goes on with the migration; its phase is its own
            }
            Phase phase = store.require(plan.name()).phase();
            if (phase == Phase.BACKFILL || phase == Phase.STREAMING) {
                store.setPhase(id, Phase.FAILED, String.valueOf(e.getMessage()));
            }
        } catch (RuntimeException | OutOfMemoryError secondary) {
            // the JVM may throw one preallocated OutOfMemoryError again: never add an error to itself
            if (secondary != e) {
                e.addSuppressed(secondary);
            }
        }
    }

    private static String daemonName() {
        // "pid@host", as the JVM names itself
        return ManagementFactory.getRuntimeMXBean().getName();
    }
}
