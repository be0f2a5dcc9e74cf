package dev.safeshift.cutover;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.Engine;
import dev.safeshift.engine.FenceSettings;
import dev.safeshift.engine.Side;
import dev.safeshift.engine.TableMove;
import dev.safeshift.engine.WriteFence;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.Phase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the application from the source to the target, in this order, each step on the timeline:
 * <ol>
 *   <li>hold the application's traffic and wait until nothing runs on the source any more;</li>
 *   <li>fence writes to the moved tables on the source, whoever makes them;</li>
 *   <li>drain with proof: write a mark into the source's log and wait until the change stream has
 *       committed it into the target, so every write made before the fence is there;</li>
 *   <li>move the target's sequences past the source's;</li>
 *   <li>close the source tables to writes as the fence is lifted (one step: nothing slips in);</li>
 *   <li>release the traffic to the target.</li>
 * </ol>
 * Before the hold, the stream must show it applies a mark written now within a quarter of the
 * plan's write pause budget; all of the steps must fit in the budget. Until the source is closed the cutover can
 * give up without harm: it lifts the fence, releases the traffic to the source and goes on
 * streaming. Once the source is closed the cutover only goes forward; a daemon that dies there
 * finishes it when it starts again ({@link CutoverRecovery}).
 */
public final class Cutover {

    private static final Logger LOG = LoggerFactory.getLogger(Cutover.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long a cutover waits for the stream to be quick enough before it refuses to start. */
    static final Duration CATCH_UP_FOR = Duration.ofSeconds(30);

    private final CutoverContext context;
    private final TrafficSwitch traffic;
    private final Duration budget;

    public Cutover(CutoverContext context, TrafficSwitch traffic, Duration writePauseBudget) {
        this.context = context;
        this.traffic = traffic;
        this.budget = writePauseBudget;
    }

    /** Runs the cutover; the migration must be streaming and its preconditions checked. */
    public CutoverOutcome run() throws InterruptedException {
        Engine engine = context.engine();
        ControlStore store = context.store();
        catchUp();
        store.setPhase(context.migrationId(), Phase.CUTTING_OVER, "requested by " + context.actor(), context.actor());
        long heldAt = System.nanoTime();
        Instant deadline = Instant.now().plus(budget);
        Step step = Step.HOLD;
        WriteFence fence = null;
        try {
            TrafficSwitch.Drain drain = traffic.hold(Side.SOURCE, deadline);
            event("cutover-traffic-held", heldAt, json().put("switch", traffic.kind()).put("drained", drain.drained())
                    .put("detail", drain.detail()));
            if (!drain.drained()) {
                return abandon(step, "the application's traffic did not drain from the source within the write pause"
                        + " budget of " + budget.toMillis() + " ms: " + drain.detail(), heldAt, null);
            }

            step = Step.FENCE;
            fence = engine.fenceWrites(context.moves(), FenceSettings.within(remaining(deadline)));
            event("cutover-fenced", heldAt, json().put("attempt", fence.attempt()));

            step = Step.DRAIN;
            String mark = engine.markSourceLog(context.capture());
            long markedAt = System.nanoTime();
            if (!engine.awaitApplied(context.capture(), mark, remaining(deadline))) {
                return abandon(step, "the change stream had not applied the source's log up to the mark " + mark
                        + " written after the fence when the write pause budget of " + budget.toMillis()
                        + " ms ran out", heldAt, fence);
            }
            event("cutover-drained", heldAt, json().put("mark", mark)
                    .put("waitedMillis", (System.nanoTime() - markedAt) / 1_000_000));

            step = Step.SEQUENCES;
            engine.syncSequences(context.moves());

            step = Step.CLOSE_SOURCE;
            WriteFence closing = fence;
            fence = null;
            Optional<String> notClosed = closeSource(closing);
            if (notClosed.isPresent()) {
                return abandon(step, notClosed.get(), heldAt, null);
            }
            event("cutover-source-closed", heldAt, json());
        } catch (InterruptedException e) {
            abandonQuietly(step, "the daemon was interrupted", heldAt, fence);
            throw e;
        } catch (RuntimeException e) {
            if (step != Step.CLOSE_SOURCE) {
                return abandon(step, e.getMessage(), heldAt, fence);
            }
            throw e; // the source may be closed: only the databases can say, and a restart asks them
        }
        return switchTraffic(heldAt);
    }

    /**
     * Before anything is held, the stream must apply a mark written now in well under the budget:
     * after the fence, the cutover waits exactly that long for the last writes. Marks are written
     * until one comes through in a quarter of the budget, for at most {@link #CATCH_UP_FOR}; a
     * stream that cannot (it falls behind the application's writes) refuses the cutover.
     */
    private void catchUp() throws InterruptedException {
        long wanted = budget.toMillis() / 4;
        long started = System.nanoTime();
        long last = -1;
        int probes = 0;
        while (System.nanoTime() - started < CATCH_UP_FOR.toNanos()) {
            probes++;
            long probeStarted = System.nanoTime();
            String mark = context.engine().markSourceLog(context.capture());
            boolean applied = context.engine().awaitApplied(context.capture(), mark, CATCH_UP_FOR);
            last = (System.nanoTime() - probeStarted) / 1_000_000;
            if (applied && last <= wanted) {
                context.store().append(context.migrationId(), "cutover-caught-up", context.actor(), json()
                        .put("probes", probes).put("lastProbeMillis", last).toString());
                return;
            }
        }
        throw new SafeshiftException(SafeshiftException.Kind.STATE, "the cutover did not start, and nothing was held:"
                + " the change stream took " + last + " ms to apply a mark written into the source's log (" + probes
                + " tries in " + CATCH_UP_FOR.toSeconds() + " s), and a cutover needs it within a quarter of"
                + " cutover.write-pause-budget (" + wanted + " ms), because that is how long the last writes take to"
                + " reach the target once they are held. Try again when the application writes less, or raise the budget.");
    }

    /**
     * Closes the source as the fence is lifted. A failure leaves it unclear whether the commit
     * happened, so the source is asked: closed, the cutover goes on; open (or half closed, then
     * opened again), the reason is returned and the cutover gives up. When the source cannot be
     * asked either, this throws, and a restarted daemon asks it.
     */
    private Optional<String> closeSource(WriteFence fence) {
        try {
            fence.liftRefusingWrites(context.migration());
            return Optional.empty();
        } catch (RuntimeException e) {
            int closed = context.engine().closedSourceTables(context.moves());
            if (closed == context.moves().size()) {
                LOG.warn("closing the source reported a failure, but every table is closed: going on", e);
                return Optional.empty();
            }
            if (closed > 0) {
                context.engine().reopenSource(context.moves());
            }
            return Optional.of("closing the source tables to writes failed, and they take writes again: "
                    + e.getMessage());
        }
    }

    private CutoverOutcome switchTraffic(long heldAt) {
        traffic.release(Side.TARGET);
        long pauseMillis = (System.nanoTime() - heldAt) / 1_000_000;
        context.store().setPhase(context.migrationId(), Phase.CUT_OVER, "writes paused for " + pauseMillis + " ms",
                context.actor());
        event("cutover-switched", heldAt, json().put("switch", traffic.kind()).put("writePauseMillis", pauseMillis));
        context.info().accept("Cut over: the application writes to the target now; writes were paused for "
                + pauseMillis + " ms. The source tables refuse writes.");
        return CutoverOutcome.switched(pauseMillis);
    }

    private CutoverOutcome abandon(Step step, String reason, long heldAt, WriteFence fence) {
        if (fence != null) {
            fence.close();
        }
        traffic.release(Side.SOURCE);
        long pauseMillis = (System.nanoTime() - heldAt) / 1_000_000;
        context.store().setPhase(context.migrationId(), Phase.STREAMING, "cutover gave up at " + step.label + ": "
                + reason, context.actor());
        event("cutover-abandoned", heldAt, json().put("step", step.label).put("reason", String.valueOf(reason))
                .put("writePauseMillis", pauseMillis));
        context.info().accept("Cutover gave up at " + step.label + " (" + reason + "). The fence is lifted and the"
                + " application runs on the source again; writes were paused for " + pauseMillis + " ms.");
        return CutoverOutcome.abandoned(step.label, reason, pauseMillis);
    }

    private void abandonQuietly(Step step, String reason, long heldAt, WriteFence fence) {
        try {
            abandon(step, reason, heldAt, fence);
        } catch (RuntimeException e) {
            LOG.warn("giving the cutover up failed; a restarted daemon undoes it from what the store says", e);
        }
    }

    private void event(String kind, long heldAt, ObjectNode detail) {
        detail.put("sinceHoldMillis", (System.nanoTime() - heldAt) / 1_000_000);
        context.store().append(context.migrationId(), kind, context.actor(), detail.toString());
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
        FENCE("fencing the source"),
        DRAIN("draining the stream"),
        SEQUENCES("moving sequences"),
        CLOSE_SOURCE("closing the source");

        final String label;

        Step(String label) {
            this.label = label;
        }
    }

    /** Everything a cutover (and its recovery) works with. */
    public record CutoverContext(Engine engine, ControlStore store, long migrationId, String migration, String capture,
                                 List<TableMove> moves, String actor, Consumer<String> info) {

        public CutoverContext {
            moves = List.copyOf(moves);
        }
    }
}
