package dev.safeshift.run;

import dev.safeshift.SafeshiftException;
import dev.safeshift.cutover.Leg;
import dev.safeshift.cutover.TriggerWatch;
import dev.safeshift.engine.ChangeStream;
import dev.safeshift.engine.Engine;
import dev.safeshift.engine.Lag;
import dev.safeshift.engine.Side;
import dev.safeshift.engine.StreamProgress;
import dev.safeshift.engine.TableMove;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.CutoverHold;
import dev.safeshift.store.Direction;
import dev.safeshift.store.Request;
import dev.safeshift.trigger.MetricProviders;
import dev.safeshift.trigger.TriggerAction;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's loop while the application runs on the target: the stream the other way, which
 * carries every write made on the target into the source, so a rollback loses nothing. It takes
 * rollback and stop requests, keeps the source's sequences ahead of the target's, and moves the
 * forward capture's start up to now (nothing the source receives now is to be carried forward).
 */
final class BackStream {

    private static final Logger LOG = LoggerFactory.getLogger(BackStream.class);
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final MigrationDaemon daemon;
    private final long id;
    private final String forwardCapture;
    private final List<TableMove> forwardMoves;
    private boolean completing;
    /** The rollback a trigger asked for, while its deadline lasts: asked again if one gives up. */
    private TriggerWatch.Fired pendingRollback;
    private long pendingRequest;

    BackStream(MigrationDaemon daemon, long id, String forwardCapture, List<TableMove> forwardMoves) {
        this.daemon = daemon;
        this.id = id;
        this.forwardCapture = forwardCapture;
        this.forwardMoves = List.copyOf(forwardMoves);
    }

    /** Streams until stopped (false), or rolled back or completed (true: the daemon's loop goes on by the phase). */
    boolean run() throws InterruptedException {
        ControlStore store = daemon.store();
        Engine forward = daemon.engine();
        try (WayBack back = WayBack.open(daemon.plan(), store, id, forwardMoves)) {
            String reverse = back.ownedCapture();
            if (!back.engine().captureExists(reverse)) {
                throw new SafeshiftException(SafeshiftException.Kind.STATE, "the replication slot " + reverse + " on the"
                        + " target, which carries the application's writes back to the source, is gone: the writes made on"
                        + " the target since it went missing cannot be carried back, so no rollback can be promised."
                        + " Find out who dropped it before going on.");
            }
            daemon.listener().info("The application runs on the target; streaming its writes back to the source from"
                    + " slot " + reverse + ".");
            try (ChangeStream stream = back.engine().openStream(reverse, back.moves());
                 MetricProviders providers = MetricProviders.forPlan(daemon.plan(), id)) {
                stream.start();
                TriggerWatch triggers = new TriggerWatch(store, id, daemon.plan().cutover().triggers(), providers,
                        daemon.actor(), daemon.listener()::info);
                Leg rollback = new Leg(Side.TARGET, back.engine(), reverse, back.moves(), forward, forwardCapture,
                        forwardMoves);
                PeriodicTasks tasks = new PeriodicTasks(List.of(
                        PeriodicTasks.Task.every("requests", MigrationDaemon.TICK, daemon.requests(id, Map.of(
                                Request.ROLLBACK, new SwitchRequest(daemon.plan(), store, id, Side.TARGET, () -> rollback,
                                        () -> back.engine().lag(reverse, stream.progress()), daemon.listener(),
                                        daemon.actor(), daemon::switched, daemon::stop),
                                Request.CUTOVER, MigrationDaemon.refused("the migration is cut over already: the"
                                        + " application runs on the target"),
                                Request.COMPLETE, this::complete))::dispatch),
                        PeriodicTasks.Task.every("stream report", MigrationDaemon.REPORT_EVERY,
                                () -> report(back.engine(), reverse, stream.progress())),
                        new PeriodicTasks.Task("source sync", MigrationDaemon.SYNC_EVERY, MigrationDaemon.SYNC_EVERY,
                                () -> syncSequences(back)),
                        new PeriodicTasks.Task("forward start", MigrationDaemon.WAY_BACK_ADVANCED_EVERY,
                                MigrationDaemon.WAY_BACK_ADVANCED_EVERY, this::advanceForward),
                        PeriodicTasks.Task.every("router sample retention", MigrationDaemon.ROUTER_SAMPLES_PRUNED_EVERY,
                                () -> store.pruneRouterSamples(id, MigrationDaemon.ROUTER_SAMPLES_KEPT)),
                        PeriodicTasks.Task.every("triggers", MigrationDaemon.TICK, () -> {
                            triggers.evaluateDue().ifPresent(this::act);
                            retryRollback();
                        })));
                while (!daemon.loopEnds() && !completing) {
                    Optional<Throwable> failure = stream.failure();
                    if (failure.isPresent()) {
                        Throwable cause = failure.get();
                        throw cause instanceof SafeshiftException safeshift ? safeshift
                                : new SafeshiftException(SafeshiftException.Kind.INTERNAL, "the change stream from the"
                                + " target back to the source stopped: " + cause.getMessage(), cause);
                    }
                    tasks.runDue();
                    daemon.awaitTick();
                }
                report(back.engine(), reverse, stream.progress());
            }
        }
        if (completing) {
            new Completion(daemon, id).complete();
            return true; // the loop reads the phase, COMPLETED, and ends
        }
        return daemon.takeSwitched();
    }

    /**
     * Ends the cutover window, unless a pause trigger holds it and the request does not say why
     * it completes anyway (then the hold's end goes on the timeline, with who asked and why).
     */
    private String complete(Request request) {
        Optional<CutoverHold> hold = CutoverHold.current(daemon.store(), id);
        if (hold.isPresent()) {
            String why = despiteHold(request).orElseThrow(() -> new SafeshiftException(
                    SafeshiftException.Kind.STATE, hold.get().describe(daemon.plan().file() == null ? "<plan>"
                    : daemon.plan().file().toString())));
            hold.get().override(daemon.store(), id, request.requestedBy(), why);
        }
        completing = true;
        return "completing: the stream back stops and the captures are dropped";
    }

    /** The reason a completion request gives for ending a held window, if it gives one. */
    private static Optional<String> despiteHold(Request request) {
        try {
            String why = JSON.readTree(request.payload()).path("despiteHold").asText("");
            return why.isBlank() ? Optional.empty() : Optional.of(why);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /**
     * A trigger fired: a rollback is asked for through the store, as a person would, so it runs
     * on this loop with every check and its request names the trigger; a pause holds the window
     * open until a person decides; an alert is on the timeline already.
     */
    private void act(TriggerWatch.Fired fired) {
        if (fired.trigger().action() == TriggerAction.PAUSE) {
            if (CutoverHold.hold(daemon.store(), id, fired.trigger().name(), fired.trigger().owner().orElse(""),
                    fired.evaluation().reason(), daemon.actor())) {
                daemon.listener().info("Trigger " + fired.trigger().name() + " holds the cutover window open: the"
                        + " application stays on the target, and safeshift complete is refused until a person decides"
                        + " (roll back, or complete with --despite-hold).");
            }
            return;
        }
        if (fired.trigger().action() != TriggerAction.ROLLBACK) {
            return;
        }
        pendingRollback = fired;
        askForRollback();
    }

    private void askForRollback() {
        TriggerWatch.Fired fired = pendingRollback;
        String payload = JSON.createObjectNode()
                .put("trigger", fired.trigger().name())
                .put("firedAtMillis", fired.at().toEpochMilli())
                .put("deadlineMillis", fired.trigger().deadline().orElseThrow().toMillis()).toString();
        pendingRequest = daemon.store().request(id, Request.ROLLBACK, "trigger " + fired.trigger().name()
                + fired.trigger().owner().map(owner -> " (owner " + owner + ")").orElse(""), payload);
    }

    /**
     * A rollback that gave up (or was refused) is asked for again while the trigger's deadline
     * lasts: the trigger fired once, and the application must not stay on a target it condemned.
     */
    private void retryRollback() {
        if (pendingRollback == null) {
            return;
        }
        Optional<String> outcome = daemon.store().requestOutcome(pendingRequest);
        if (outcome.isEmpty() || outcome.get().startsWith("switched")) {
            return;
        }
        java.time.Instant deadline = pendingRollback.at().plus(pendingRollback.trigger().deadline().orElseThrow());
        if (java.time.Instant.now().isBefore(deadline)) {
            daemon.listener().info("The rollback asked for by trigger " + pendingRollback.trigger().name() + " did not"
                    + " switch (" + outcome.get() + "); asking again until its deadline.");
            askForRollback();
        } else {
            daemon.listener().info("The rollback asked for by trigger " + pendingRollback.trigger().name() + " could not"
                    + " be done within its deadline; the application stays on the target. Last answer: " + outcome.get());
            pendingRollback = null;
        }
    }

    private void report(Engine backward, String reverse, StreamProgress progress) {
        Lag lag = backward.lag(reverse, progress);
        daemon.store().reportStream(id, Direction.REVERSE, progress.appliedPosition().orElse(""), lag.bytes(),
                lag.millis(), progress.eventsApplied(), backward.retainedLog(reverse));
    }

    /** The source's sequences ahead of the target's, so a rollback has little to do and never collides. */
    private static void syncSequences(WayBack back) {
        try {
            back.engine().syncSequences(back.moves());
        } catch (RuntimeException e) {
            LOG.warn("bringing the source's sequences up to the target's failed; tried again later", e);
        }
    }

    private void advanceForward() {
        try {
            daemon.engine().advanceCapture(forwardCapture, daemon.engine().currentLogPosition());
        } catch (RuntimeException e) {
            LOG.warn("moving the forward capture's start up to now failed; tried again later", e);
        }
    }
}
