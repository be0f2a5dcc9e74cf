package dev.safeshift.run;

import dev.safeshift.SafeshiftException;
import dev.safeshift.cutover.Leg;
import dev.safeshift.engine.ChangeStream;
import dev.safeshift.engine.Engine;
import dev.safeshift.engine.Lag;
import dev.safeshift.engine.SchemaChange;
import dev.safeshift.engine.SchemaChangedException;
import dev.safeshift.engine.Side;
import dev.safeshift.engine.StreamProgress;
import dev.safeshift.engine.TableMove;
import dev.safeshift.plan.Plan;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.Direction;
import dev.safeshift.store.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's loop while the application runs on the source: the forward stream, with its
 * periodic work (requests, scheduled verification, reports, sequences and foreign keys on the
 * target, router sample retention) and the way back kept ready for a cutover. The counterpart of
 * {@link BackStream}.
 */
final class ForwardStream {

    private static final Logger LOG = LoggerFactory.getLogger(ForwardStream.class);

    private final MigrationDaemon daemon;
    private final long id;
    private final String capture;
    private final List<TableMove> moves;

    ForwardStream(MigrationDaemon daemon, long id, String capture, List<TableMove> moves) {
        this.daemon = daemon;
        this.id = id;
        this.capture = capture;
        this.moves = List.copyOf(moves);
    }

    /** Streams until stopped (empty), or until the stream stops before an automatic schema change (returned). */
    Optional<SchemaChange> run() throws InterruptedException {
        Plan plan = daemon.plan();
        ControlStore store = daemon.store();
        Engine engine = daemon.engine();
        RunListener listener = daemon.listener();
        String actor = daemon.actor();
        listener.info("Streaming changes from slot " + capture + ".");
        try (WayBacks wayBack = new WayBacks();
             ChangeStream stream = engine.openStream(capture, moves);
             ScheduledVerification verification = plan.verify().map(schedule -> new ScheduledVerification(engine,
                     store, id, plan.name(), moves, capture, schedule, plan.copy().parallelism(), listener, actor))
                     .orElse(null)) {
            stream.start();
            TargetSync sync = new TargetSync();
            List<PeriodicTasks.Task> work = new ArrayList<>();
            work.add(PeriodicTasks.Task.every("requests", MigrationDaemon.TICK, daemon.requests(id, Map.of(
                    Request.CUTOVER, new SwitchRequest(plan, store, id, Side.SOURCE,
                            () -> new Leg(Side.SOURCE, engine, capture, moves, wayBack.get().engine(),
                                    wayBack.get().ensureCapture(), wayBack.get().moves()),
                            () -> engine.lag(capture, stream.progress()), listener, actor, daemon::switched, daemon::stop),
                    Request.ROLLBACK, MigrationDaemon.refused("the migration is not cut over: the application runs on the source"),
                    Request.COMPLETE, MigrationDaemon.refused("the migration is not cut over: the application runs on the source")))
                    ::dispatch));
            work.add(new PeriodicTasks.Task("way back start", MigrationDaemon.WAY_BACK_ADVANCED_EVERY, MigrationDaemon.WAY_BACK_ADVANCED_EVERY,
                    wayBack::advance));
            if (verification != null) {
                work.add(PeriodicTasks.Task.every("scheduled verification", MigrationDaemon.TICK, verification::startIfDue));
            }
            work.add(PeriodicTasks.Task.every("stream report", MigrationDaemon.REPORT_EVERY, () -> report(stream.progress())));
            work.add(new PeriodicTasks.Task("target sync", MigrationDaemon.SYNC_EVERY, MigrationDaemon.SYNC_EVERY, sync::run));
            work.add(PeriodicTasks.Task.every("router sample retention", MigrationDaemon.ROUTER_SAMPLES_PRUNED_EVERY,
                    () -> store.pruneRouterSamples(id, MigrationDaemon.ROUTER_SAMPLES_KEPT)));
            PeriodicTasks tasks = new PeriodicTasks(work);
            while (!daemon.loopEnds()) {
                Optional<Throwable> failure = stream.failure();
                if (failure.isPresent()) {
                    Throwable cause = failure.get();
                    if (cause instanceof SchemaChangedException changed && changed.change().automatic()) {
                        return Optional.of(changed.change());
                    }
                    if (cause instanceof SafeshiftException safeshift) {
                        throw safeshift;
                    }
                    throw new SafeshiftException(SafeshiftException.Kind.INTERNAL,
                            "the change stream stopped: " + cause.getMessage(), cause);
                }
                tasks.runDue();
                daemon.awaitTick();
            }
            sync.finish();
            StreamProgress last = stream.progress();
            report(last);
            listener.info(String.format("stream summary: %d changes applied, apply delay of recent changes "
                    + "p50 %d ms, p99 %d ms", last.eventsApplied(), last.applyLagP50Millis(), last.applyLagP99Millis()));
        }
        return Optional.empty();
    }

    /**
     * Sequence values, and foreign keys that could not be validated when the backfill ended, follow
     * the stream; a failure here is retried at the next interval rather than stopping the stream.
     */
    private final class TargetSync {

        // A restarted daemon does not know whether every foreign key was validated: look once.
        private boolean foreignKeysPending = true;

        void run() {
            try {
                daemon.engine().syncSequences(moves);
                if (foreignKeysPending) {
                    foreignKeysPending = daemon.engine().addForeignKeys(moves).notYetValidated() > 0;
                }
            } catch (RuntimeException e) {
                LOG.warn("bringing sequences or foreign keys of the target up to date failed", e);
            }
        }

        /** The last sync as the stream stops: sequences only. */
        void finish() {
            try {
                daemon.engine().syncSequences(moves);
            } catch (RuntimeException e) {
                LOG.warn("bringing sequences of the target up to date failed", e);
            }
        }
    }

    private void report(StreamProgress progress) {
        Engine engine = daemon.engine();
        daemon.recordPendingRetries(id);
        Lag lag = engine.lag(capture, progress);
        OptionalLong retained = engine.retainedLog(capture);
        String position = progress.appliedPosition().orElse("");
        daemon.store().reportStream(id, position, lag.bytes(), lag.millis(), progress.eventsApplied(), retained);
        StreamStatus status = new StreamStatus(lag.bytes(), lag.millis(), progress.eventsApplied(),
                progress.applyLagP50Millis(), progress.applyLagP99Millis(), position);
        daemon.listener().streaming(status);
    }

    /**
     * The way back, opened when first needed (a cutover asks for it), and kept from carrying back
     * what the forward stream writes into the target: its capture's start is moved forward while
     * the forward stream runs.
     */
    private final class WayBacks implements AutoCloseable {
        private WayBack opened;

        WayBack get() {
            if (opened == null) {
                opened = WayBack.open(daemon.plan(), daemon.store(), id, moves);
            }
            return opened;
        }

        void advance() {
            try {
                if (daemon.store().stream(id, Direction.REVERSE).isPresent()) {
                    WayBack back = get();
                    // only a slot on the server and database it was created on is this migration's to move
                    String reverse = back.ownedCapture();
                    if (back.engine().captureExists(reverse)) {
                        back.engine().advanceCapture(reverse, back.engine().currentLogPosition());
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("moving the start of the way back's capture forward failed; tried again later", e);
            }
        }

        @Override
        public void close() {
            if (opened != null) {
                opened.close();
            }
        }
    }
}
