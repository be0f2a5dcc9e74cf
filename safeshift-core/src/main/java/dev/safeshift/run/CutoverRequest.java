package dev.safeshift.run;

import dev.safeshift.SafeshiftException;
import dev.safeshift.cutover.Cutover;
import dev.safeshift.cutover.CutoverPreconditions;
import dev.safeshift.cutover.CutoverRecovery;
import dev.safeshift.cutover.RouterSwitch;
import dev.safeshift.cutover.TrafficSwitch;
import dev.safeshift.engine.ChangeStream;
import dev.safeshift.engine.Engine;
import dev.safeshift.engine.TableMove;
import dev.safeshift.plan.Plan;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.Phase;
import dev.safeshift.store.Request;
import java.time.Instant;
import java.util.List;

/**
 * The daemon's answer to a cutover request, run on its loop while the change stream goes on
 * applying on its own threads (which is what the cutover waits for). The preconditions are checked
 * first; a refusal holds nothing.
 */
final class CutoverRequest implements RequestDispatcher.Handler {

    private final Plan plan;
    private final Engine engine;
    private final ControlStore store;
    private final long migrationId;
    private final String capture;
    private final List<TableMove> moves;
    private final ChangeStream stream;
    private final RunListener listener;
    private final String actor;
    private final Runnable stopDaemon;

    CutoverRequest(Plan plan, Engine engine, ControlStore store, long migrationId, String capture, List<TableMove> moves,
                   ChangeStream stream, RunListener listener, String actor, Runnable stopDaemon) {
        this.plan = plan;
        this.engine = engine;
        this.store = store;
        this.migrationId = migrationId;
        this.capture = capture;
        this.moves = List.copyOf(moves);
        this.stream = stream;
        this.listener = listener;
        this.actor = actor;
        this.stopDaemon = stopDaemon;
    }

    @Override
    public String handle(Request request) {
        Phase phase = store.require(plan.name()).phase();
        if (phase != Phase.STREAMING) {
            throw new SafeshiftException(SafeshiftException.Kind.STATE, phase == Phase.CUT_OVER
                    ? "the migration is cut over already: the application runs on the target"
                    : "the migration is " + phase + ", and a cutover starts only while it streams");
        }
        TrafficSwitch traffic = trafficSwitch(plan, store, migrationId, actor);
        List<String> problems = CutoverPreconditions.check(plan.cutover(), engine.lag(capture, stream.progress()),
                store.lastVerification(migrationId), Instant.now(), engine.cutoverProblems(moves), traffic.problems());
        if (!problems.isEmpty()) {
            throw new SafeshiftException(SafeshiftException.Kind.STATE, "the cutover did not start, and nothing was"
                    + " held: " + String.join("; ", problems) + ".");
        }
        listener.info("Cutover requested by " + request.requestedBy() + ": holding the application's writes for at most "
                + plan.cutover().writePauseBudget().toMillis() + " ms.");
        try {
            return new Cutover(context(plan, engine, store, migrationId, capture, moves, listener, actor), traffic,
                    plan.cutover().writePauseBudget()).run().describe();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopDaemon.run();
            return "interrupted: the daemon is stopping, and the cutover was given up";
        }
    }

    /** Ends a cutover that a daemon left under way, before streaming resumes. */
    static Phase recover(Plan plan, Engine engine, ControlStore store, long migrationId, String capture,
                         List<TableMove> moves, RunListener listener, String actor) {
        return CutoverRecovery.resume(context(plan, engine, store, migrationId, capture, moves, listener, actor),
                trafficSwitch(plan, store, migrationId, actor));
    }

    private static Cutover.CutoverContext context(Plan plan, Engine engine, ControlStore store, long migrationId,
                                                  String capture, List<TableMove> moves, RunListener listener,
                                                  String actor) {
        return new Cutover.CutoverContext(engine, store, migrationId, plan.name(), capture, moves, actor, listener::info);
    }

    private static TrafficSwitch trafficSwitch(Plan plan, ControlStore store, long migrationId, String actor) {
        return switch (plan.cutover().trafficSwitch()) {
            case ROUTER -> new RouterSwitch(store, migrationId, actor);
        };
    }
}
