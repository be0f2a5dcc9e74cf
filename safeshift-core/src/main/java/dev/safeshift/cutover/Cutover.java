package dev.safeshift.cutover;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.FenceSettings;
import dev.safeshift.engine.Side;
import dev.safeshift.engine.WriteFence;
import dev.safeshift.jdbc.ConnectionLoss;
import dev.safeshift.store.ControlStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the application from one database to the other (a cutover, or a rollback: the same steps
 * the other way), each step on the timeline:
 * <ol>
 *   <li>hold the application's traffic and wait until nothing runs on the side it leaves;</li>
 *   <li>fence writes to the moved tables there, whoever makes them;</li>
 *   <li>drain with proof: write a mark into that side's log and wait until the stream has
 *       committed it on the other side, so every write made before the fence is there;</li>
 *   <li>move the other side's sequences past this side's;</li>
 *   <li>start the other side's capture at its current position, so the stream that will carry
 *       writes back does not carry back what the drained stream wrote;</li>
 *   <li>close the side it leaves to writes as the fence is lifted (one step: nothing slips in);
 *       this is the point of no return;</li>
 *   <li>let the side it goes to take writes again (a closure left by an earlier switch), and
 *       release the traffic there.</li>
 * </ol>
 * Before the hold, the stream must show it applies a mark written now within a quarter of the
 * plan's write pause budget; all of the steps must fit in the budget. Until the side is closed the
 * switch can give up without harm: it lifts the fence and releases the traffic where it was. Once
 * it is closed the switch only goes forward; a daemon that dies there finishes it when it starts
 * again ({@link CutoverRecovery}).
 */
public final class Cutover {

    private static final Logger LOG = LoggerFactory.getLogger(Cutover.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long a switch waits for the stream to be quick enough before it refuses to start. */
    static final Duration CATCH_UP_FOR = Duration.ofSeconds(30);

    private final Context context;
    private final Leg leg;
    private final TrafficSwitch traffic;
    private final Duration budget;

    public Cutover(Context context, Leg leg, TrafficSwitch traffic, Duration writePauseBudget) {
        this.context = context;
        this.leg = leg;
        this.traffic = traffic;
        this.budget = writePauseBudget;
    }

    /**
     * Runs the switch; the migration must be in {@link Leg#before()} and its preconditions checked.
     *
     * @param requestedBy who asked for it (a person, or a trigger by name), for the phase's record
     */
    public CutoverOutcome run(String requestedBy) throws InterruptedException {
        catchUp();
        ControlStore store = context.store();
        store.setPhase(context.migrationId(), leg.during(), "requested by " + requestedBy, context.actor());
        long heldAt = System.nanoTime();
        Instant deadline = Instant.now().plus(budget);
        Step step = Step.HOLD;
        WriteFence fence = null;
        try {
            TrafficSwitch.Drain drain = traffic.hold(leg.from(), deadline);
            event("traffic-held", heldAt, json().put("switch", traffic.kind()).put("drained", drain.drained())
                    .put("detail", drain.detail()));
            if (!drain.drained()) {
                return abandon(step, "the application's traffic did not drain from the " + Leg.label(leg.from())
                        + " within the write pause budget of " + budget.toMillis() + " ms: " + drain.detail(), heldAt, null);
            }

            step = Step.FENCE;
            fence = leg.leaving().fenceWrites(leg.leavingMoves(), FenceSettings.within(remaining(deadline)));
            event("fenced", heldAt, json().put("attempt", fence.attempt()));

            step = Step.DRAIN;
            String mark = leg.leaving().markSourceLog(leg.leavingCapture());
            long markedAt = System.nanoTime();
            if (!leg.leaving().awaitApplied(leg.leavingCapture(), mark, remaining(deadline))) {
                return abandon(step, "the change stream had not applied the " + Leg.label(leg.from()) + "'s log up to"
                        + " the mark " + mark + " written after the fence when the write pause budget of "
                        + budget.toMillis() + " ms ran out", heldAt, fence);
            }
            event("drained", heldAt, json().put("mark", mark)
                    .put("waitedMillis", (System.nanoTime() - markedAt) / 1_000_000));

            step = Step.SEQUENCES;
            leg.leaving().syncSequences(leg.leavingMoves());

            step = Step.START_WAY_BACK;
            String start = leg.arriving().currentLogPosition();
            leg.arriving().advanceCapture(leg.arrivingCapture(), start);

            step = Step.CLOSE;
            WriteFence closing = fence;
            fence = null;
            Optional<String> notClosed = close(closing);
            if (notClosed.isPresent()) {
                return abandon(step, notClosed.get(), heldAt, null);
            }
            event("closed", heldAt, json().put("side", Leg.label(leg.from())).put("wayBackFrom", start));
        } catch (InterruptedException e) {
            abandonQuietly(step, "the daemon was interrupted", heldAt, fence);
            throw e;
        } catch (TrafficNotReleased e) {
            throw e; // giving up failed at its release: releasing once more here would only fail again
        } catch (RuntimeException e) {
            if (step != Step.CLOSE) {
                return abandon(step, e.getMessage(), heldAt, fence);
            }
            throw e; // the side may be closed: only the databases can say, and a restart asks them
        }
        return switchTraffic(heldAt);
    }

    /**
     * Before anything is held, the stream must apply a mark written now in well under the budget:
     * after the fence, the switch waits exactly that long for the last writes. Marks are written
     * until one comes through in a quarter of the budget, for at most {@link #CATCH_UP_FOR}; a
     * stream that cannot (it falls behind the application's writes) refuses the switch.
     */
    private void catchUp() throws InterruptedException {
        long wanted = budget.toMillis() / 4;
        long started = System.nanoTime();
        long last = -1;
        int probes = 0;
        while (System.nanoTime() - started < CATCH_UP_FOR.toNanos()) {
            probes++;
            long probeStarted = System.nanoTime();
            String mark = leg.leaving().markSourceLog(leg.leavingCapture());
            boolean applied = leg.leaving().awaitApplied(leg.leavingCapture(), mark, CATCH_UP_FOR);
            last = (System.nanoTime() - probeStarted) / 1_000_000;
            if (applied && last <= wanted) {
                context.store().append(context.migrationId(), leg.name() + "-caught-up", context.actor(), json()
                        .put("probes", probes).put("lastProbeMillis", last).toString());
                return;
            }
        }
        throw new SafeshiftException(SafeshiftException.Kind.STATE, "the " + leg.name() + " did not start, and nothing"
                + " was held: the change stream took " + last + " ms to apply a mark written into the "
                + Leg.label(leg.from()) + "'s log (" + probes + " tries in " + CATCH_UP_FOR.toSeconds() + " s), and a"
                + " switch needs it within a quarter of cutover.write-pause-budget (" + wanted + " ms), because that is"
                + " how long the last writes take to arrive once they are held. Try again when the application writes"
                + " less, or raise the budget.");
    }

    /**
     * Closes the side traffic leaves as the fence is lifted. A failure leaves it unclear whether the
     * commit happened, so the database is asked: closed, the switch goes on; open (or half closed,
     * then opened again), the reason is returned and the switch gives up. When the database cannot
     * be asked either, this throws, and a restarted daemon asks it.
     */
    private Optional<String> close(WriteFence fence) {
        try {
            fence.liftRefusingWrites(context.migration());
            return Optional.empty();
        } catch (RuntimeException e) {
            int closed = leg.leaving().closedSourceTables(leg.leavingMoves());
            if (closed == leg.leavingMoves().size()) {
                LOG.warn("closing the {} reported a failure, but every table is closed: going on", Leg.label(leg.from()), e);
                return Optional.empty();
            }
            if (closed > 0) {
                leg.leaving().reopenSource(leg.leavingMoves());
            }
            return Optional.of("closing the " + Leg.label(leg.from()) + " tables to writes failed, and they take"
                    + " writes again: " + e.getMessage());
        }
    }

    private CutoverOutcome switchTraffic(long heldAt) {
        leg.arriving().reopenSource(leg.arrivingMoves());
        release(leg.to(), heldAt);
        long pauseMillis = (System.nanoTime() - heldAt) / 1_000_000;
        context.store().setPhase(context.migrationId(), leg.done(), "writes paused for " + pauseMillis + " ms",
                context.actor());
        event("switched", heldAt, json().put("switch", traffic.kind()).put("to", Leg.label(leg.to()))
                .put("writePauseMillis", pauseMillis));
        context.info().accept("Switched: the application writes to the " + Leg.label(leg.to()) + " now; writes were"
                + " paused for " + pauseMillis + " ms. The " + Leg.label(leg.from()) + " tables refuse writes.");
        return CutoverOutcome.switched(leg, pauseMillis);
    }

    private CutoverOutcome abandon(Step step, String reason, long heldAt, WriteFence fence) {
        if (fence != null) {
            fence.close();
        }
        release(leg.from(), heldAt);
        long pauseMillis = (System.nanoTime() - heldAt) / 1_000_000;
        context.store().setPhase(context.migrationId(), leg.before(), leg.name() + " gave up at " + step.label + ": "
                + reason, context.actor());
        event("abandoned", heldAt, json().put("step", step.label).put("reason", String.valueOf(reason))
                .put("writePauseMillis", pauseMillis));
        context.info().accept("The " + leg.name() + " gave up at " + step.label + " (" + reason + "). The fence is lifted"
                + " and the application runs on the " + Leg.label(leg.from()) + " again; writes were paused for "
                + pauseMillis + " ms.");
        return CutoverOutcome.abandoned(leg, step.label, reason, pauseMillis);
    }

    /**
     * Lets the traffic go to {@code to}. A release that fails goes on the timeline and ends the
     * switch where it is: the migration stays {@link Leg#during()}, which a restarted daemon
     * finishes or gives up, releasing again. A lost connection is thrown as it is, for the daemon
     * retries those itself from the start, which is the same recovery.
     */
    private void release(Side to, long heldAt) {
        try {
            traffic.release(to);
        } catch (RuntimeException e) {
            String reason = String.valueOf(e.getMessage());
            LOG.error("the {} switch failed to release the traffic to the {}", traffic.kind(), Leg.label(to), e);
            try {
                event("release-failed", heldAt, json().put("switch", traffic.kind()).put("to", Leg.label(to))
                        .put("reason", reason));
            } catch (RuntimeException notRecorded) {
                e.addSuppressed(notRecorded);
            }
            if (ConnectionLoss.isLoss(e)) {
                throw e;
            }
            throw new TrafficNotReleased("the " + leg.name() + " could not let the application's traffic go to the "
                    + Leg.label(to) + ", so it may still be held: " + reason + " The migration stays "
                    + leg.during() + " until a daemon starts again and ends the " + leg.name() + " from what the"
                    + " databases say, releasing the traffic once more.", e);
        }
    }

    private void abandonQuietly(Step step, String reason, long heldAt, WriteFence fence) {
        try {
            abandon(step, reason, heldAt, fence);
        } catch (RuntimeException e) {
            LOG.warn("giving the {} up failed; a restarted daemon undoes it from what the store says", leg.name(), e);
        }
    }

    private void event(String kind, long heldAt, ObjectNode detail) {
        detail.put("sinceHoldMillis", (System.nanoTime() - heldAt) / 1_000_000);
        context.store().append(context.migrationId(), leg.name() + "-" + kind, context.actor(), detail.toString());
    }

    private static Duration remaining(Instant deadline) {
        Duration left = Duration.between(Instant.now(), deadline);
        return left.isNegative() ? Duration.ZERO : left;
    }

    private static ObjectNode json() {
        return JSON.createObjectNode();
    }

    /** The steps, as messages and the timeline name them. */
    enum Step {
        HOLD("holding traffic"),
        FENCE("fencing writes"),
        DRAIN("draining the stream"),
        SEQUENCES("moving sequences"),
        START_WAY_BACK("starting the way back"),
        CLOSE("closing the tables left");

        final String label;

        Step(String label) {
            this.label = label;
        }
    }

    /** Where a switch records what it does, and whom it tells. */
    public record Context(ControlStore store, long migrationId, String migration, String actor, Consumer<String> info) {
    }
}
