package dev.safeshift.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safeshift.SafeshiftException;
import dev.safeshift.cutover.Cutover;
import dev.safeshift.cutover.CutoverOutcome;
import dev.safeshift.cutover.CutoverPreconditions;
import dev.safeshift.cutover.CutoverRecovery;
import dev.safeshift.cutover.Leg;
import dev.safeshift.cutover.RouterSwitch;
import dev.safeshift.cutover.TrafficNotReleased;
import dev.safeshift.cutover.TrafficSwitch;
import dev.safeshift.cutover.TrafficSwitches;
import dev.safeshift.cutover.TriggerWatch;
import dev.safeshift.engine.Lag;
import dev.safeshift.engine.Side;
import dev.safeshift.plan.Plan;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.Phase;
import dev.safeshift.store.Request;
import dev.safeshift.trigger.MetricProviders;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The daemon's answer to a cutover request (from the source) or a rollback request (from the
 * target), run on its loop while the stream goes on applying on its own threads, which is what the
 * switch waits for. The preconditions are checked first; a refusal holds nothing.
 */
final class SwitchRequest implements RequestDispatcher.Handler {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Plan plan;
    private final ControlStore store;
    private final long migrationId;
    private final Side from;
    private final Supplier<Leg> leg;
    private final Supplier<Lag> lag;
    private final RunListener listener;
    private final String actor;
    private final Runnable onSwitched;
    private final Runnable stopDaemon;

    /**
     * @param leg        prepares the switch when it is asked for (a cutover creates the capture of the way back)
     * @param lag        the stream's lag now
     * @param onSwitched told when traffic moved, so the daemon turns to the stream the other way
     */
    SwitchRequest(Plan plan, ControlStore store, long migrationId, Side from, Supplier<Leg> leg, Supplier<Lag> lag,
                  RunListener listener, String actor, Runnable onSwitched, Runnable stopDaemon) {
        this.plan = plan;
        this.store = store;
        this.migrationId = migrationId;
        this.from = from;
        this.leg = leg;
        this.lag = lag;
        this.listener = listener;
        this.actor = actor;
        this.onSwitched = onSwitched;
        this.stopDaemon = stopDaemon;
    }

    @Override
    public String handle(Request request) {
        String name = from == Side.SOURCE ? "cutover" : "rollback";
        Phase expected = from == Side.SOURCE ? Phase.STREAMING : Phase.CUT_OVER;
        Phase phase = store.require(plan.name()).phase();
        if (phase != expected) {
            throw new SafeshiftException(SafeshiftException.Kind.STATE, "the migration is " + phase + ", and a " + name
                    + " starts only while it is " + expected);
        }
        TrafficSwitch traffic = trafficSwitch(plan, store, migrationId, actor);
        Leg switching = leg.get();
        List<String> problems = from == Side.SOURCE
                ? CutoverPreconditions.check(plan.cutover(), lag.get(), store.lastVerification(migrationId), Instant.now(),
                        closable(switching), traffic.problems())
                : concat(switching.leaving().cutoverProblems(switching.leavingMoves()), traffic.problems());
        if (problems.isEmpty() && from == Side.SOURCE && !plan.cutover().triggers().isEmpty()) {
            try (MetricProviders providers = MetricProviders.forPlan(plan, migrationId)) {
                problems = TriggerWatch.measureBaselines(store, migrationId, plan.cutover().triggers(), providers);
            }
        }
        if (!problems.isEmpty()) {
            throw new SafeshiftException(SafeshiftException.Kind.STATE, "the " + name + " did not start, and nothing was"
                    + " held: " + String.join("; ", problems) + ".");
        }
        listener.info(capitalized(name) + " requested by " + request.requestedBy() + ": holding the application's writes"
                + " for at most " + plan.cutover().writePauseBudget().toMillis() + " ms.");
        try {
            CutoverOutcome outcome = new Cutover(context(plan, store, migrationId, listener, actor), switching, traffic,
                    plan.cutover().writePauseBudget()).run(request.requestedBy());
            if (outcome.switched()) {
                onSwitched.run();
            }
            recordDeadline(request, outcome);
            return outcome.describe();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopDaemon.run();
            return "interrupted: the daemon is stopping, and the " + name + " was given up";
        } catch (TrafficNotReleased e) {
            // Streaming on would leave the switch under way with nobody to end it: a new start does.
            listener.info(capitalized(e.getMessage()) + " The daemon stops now: make the traffic switch work,"
                    + " then start it again with safeshift run.");
            stopDaemon.run();
            return "failed: " + e.getMessage() + " The daemon stopped; start it again once the traffic switch works.";
        }
    }

    /**
     * A rollback a trigger asked for must end within the trigger's deadline from the moment it
     * fired: whether it did goes on the timeline, with the time it took.
     */
    private void recordDeadline(Request request, CutoverOutcome outcome) {
        JsonNode payload;
        try {
            payload = JSON.readTree(request.payload());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return; // the store accepts only JSON payloads; nothing to say about a deadline without one
        }
        if (!payload.hasNonNull("trigger")) {
            return;
        }
        long firedAt = payload.path("firedAtMillis").asLong();
        long deadline = payload.path("deadlineMillis").asLong();
        long took = System.currentTimeMillis() - firedAt;
        boolean met = outcome.switched() && took <= deadline;
        store.append(migrationId, "trigger-deadline", actor, JSON.createObjectNode()
                .put("trigger", payload.path("trigger").asText()).put("rolledBack", outcome.switched())
                .put("millisSinceFired", took).put("deadlineMillis", deadline).put("met", met).toString());
        if (!met) {
            listener.info("The rollback asked for by trigger " + payload.path("trigger").asText() + " did not end within"
                    + " its deadline of " + deadline + " ms (" + took + " ms since it fired"
                    + (outcome.switched() ? "" : "; it gave up") + ").");
        }
    }

    /** A cutover closes the source now, and a rollback would close the target: both must be possible. */
    private static List<String> closable(Leg leg) {
        return concat(leg.leaving().cutoverProblems(leg.leavingMoves()), leg.arriving().cutoverProblems(leg.arrivingMoves()));
    }

    /** Ends a switch that a daemon left under way, before streaming resumes; returns the phase after it. */
    static Phase recover(Plan plan, ControlStore store, long migrationId, Leg leg, RunListener listener, String actor) {
        return CutoverRecovery.resume(context(plan, store, migrationId, listener, actor), leg,
                trafficSwitch(plan, store, migrationId, actor));
    }

    private static Cutover.Context context(Plan plan, ControlStore store, long migrationId, RunListener listener,
                                           String actor) {
        return new Cutover.Context(store, migrationId, plan.name(), actor, listener::info);
    }

    private static TrafficSwitch trafficSwitch(Plan plan, ControlStore store, long migrationId, String actor) {
        return switch (plan.cutover().trafficSwitch()) {
            case ROUTER -> new RouterSwitch(store, migrationId, actor);
            case PGBOUNCER, COMMAND -> TrafficSwitches.forPlan(plan);
        };
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    private static String capitalized(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
