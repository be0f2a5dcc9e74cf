package dev.safeshift.app;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.Engine;
import dev.safeshift.engine.Engines;
import dev.safeshift.engine.TableMove;
import dev.safeshift.plan.Plan;
import dev.safeshift.plan.TableSpec;
import dev.safeshift.run.MigrationDaemon;
import dev.safeshift.run.RunListener;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.DaemonLock;
import dev.safeshift.store.Direction;
import dev.safeshift.store.Liveness;
import dev.safeshift.store.MigrationRecord;
import dev.safeshift.store.Phase;
import dev.safeshift.store.Request;
import dev.safeshift.store.StatusReport;
import dev.safeshift.store.StreamState;
import dev.safeshift.verify.LogMarkBarrier;
import dev.safeshift.verify.Scope;
import dev.safeshift.verify.Verification;
import dev.safeshift.verify.VerificationReport;
import dev.safeshift.verify.VerifyListener;
import dev.safeshift.verify.VerifySettings;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One plan's migration and what can be done with it. Each verb opens the connections it needs and
 * closes them before it returns, except {@link #daemon}, whose connections live as long as it runs.
 */
public final class Migration {

    private static final Logger LOG = LoggerFactory.getLogger(Migration.class);

    private final Plan plan;
    private final String actor;

    /** @param actor who asks, as the timeline names them */
    public Migration(Plan plan, String actor) {
        this.plan = plan;
        this.actor = actor;
    }

    public Plan plan() {
        return plan;
    }

    /**
     * The daemon that moves the data, connected and ready to {@link Daemon#run()}. It takes the
     * migration's lock in the control store when it runs, whoever starts it.
     */
    public Daemon daemon(RunListener listener) {
        ControlStore store = ControlStore.open(plan.controlEndpoint(), plan.control().schema());
        try {
            Engine engine = Engines.forEndpoints(plan.source(), plan.moveTarget());
            return new Daemon(store, engine, new MigrationDaemon(plan, store, engine, listener, actor));
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /**
     * Verifies {@code tables} of the plan (all of them when empty) and records the result on the
     * migration's record and timeline when the store has one. Suspect rows wait for the change
     * stream only while a daemon streams this migration: a stopped daemon applies nothing, and
     * waiting for it would only time out.
     */
    public VerificationReport verify(List<TableSpec> tables, Scope scope, int parallelism, VerifyListener listener)
            throws InterruptedException {
        List<TableSpec> chosen = tables.isEmpty() ? plan.tables() : tables;
        try (Engine engine = Engines.forEndpoints(plan.source(), plan.moveTarget());
             ControlStore store = ControlStore.open(plan.controlEndpoint(), plan.control().schema())) {
            List<TableMove> moves = chosen.stream()
                    .map(spec -> new TableMove(engine.describeSource(spec), spec.target()))
                    .toList();
            Optional<MigrationRecord> migration = store.find(plan.name());
            boolean streaming = migration.map(MigrationRecord::phase).filter(phase -> phase == Phase.STREAMING).isPresent()
                    && daemonRunning();
            Optional<String> capture = streaming
                    ? migration.flatMap(m -> MigrationDaemon.captureName(store, m.id()))
                    : Optional.empty();
            VerificationReport report = Verification.run(engine, plan.name(), moves, scope,
                    VerifySettings.DEFAULTS.withParallelism(parallelism), capture, listener);
            migration.ifPresent(m -> store.recordVerification(m.id(), report, actor));
            return report;
        }
    }

    /**
     * Asks the running daemon to stop once the work in hand is checkpointed; returns the request's
     * number. Refused when no daemon runs: a request nobody reads now would stop the next daemon the
     * moment it starts.
     */
    public long requestStop() {
        try (ControlStore store = ControlStore.open(plan.controlEndpoint(), plan.control().schema())) {
            MigrationRecord migration = store.require(plan.name());
            if (!daemonRunning()) {
                throw new SafeshiftException(SafeshiftException.Kind.STATE, "no daemon is running migration '"
                        + plan.name() + "' (phase " + migration.phase() + "), so there is nothing to stop.");
            }
            return store.request(migration.id(), Request.STOP, actor, "{}");
        }
    }

    /**
     * Asks the running daemon to cut the application over to the target and waits for its answer:
     * the cutover's outcome (switched, or given up and undone), or a refusal that says which
     * precondition failed. Refused when no daemon runs or the migration does not stream.
     */
    public SwitchAnswer cutover() throws InterruptedException {
        return requestSwitch(Request.CUTOVER, Phase.STREAMING, "a cutover starts only while it streams (after the"
                + " backfill)");
    }

    /**
     * Asks the running daemon to take the application back to the source and waits for its answer,
     * as {@link #cutover()} does. Refused when the migration is not cut over.
     */
    public SwitchAnswer rollback() throws InterruptedException {
        return requestSwitch(Request.ROLLBACK, Phase.CUT_OVER, "a rollback starts only once it is cut over");
    }

    /**
     * Asks the running daemon to end the cutover window: the application stays on the target, the
     * stream back stops and both captures are dropped. Refused unless the migration is cut over.
     */
    public String complete() throws InterruptedException {
        return complete(Optional.empty());
    }

    /**
     * As {@link #complete()}; when a trigger with {@code action: pause} holds the window, the daemon
     * refuses unless {@code despiteHold} says why it ends anyway, which the timeline keeps with the
     * actor's name.
     */
    public String complete(Optional<String> despiteHold) throws InterruptedException {
        String payload = despiteHold.filter(why -> !why.isBlank())
                .map(why -> new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
                        .put("despiteHold", why).toString())
                .orElse("{}");
        return requestSwitch(Request.COMPLETE, Phase.CUT_OVER, "it can be completed only once it is cut over", payload)
                .text();
    }

    private SwitchAnswer requestSwitch(String kind, Phase expected, String rule) throws InterruptedException {
        return requestSwitch(kind, expected, rule, "{}");
    }

    private SwitchAnswer requestSwitch(String kind, Phase expected, String rule, String payload)
            throws InterruptedException {
        try (ControlStore store = ControlStore.open(plan.controlEndpoint(), plan.control().schema())) {
            MigrationRecord migration = store.require(plan.name());
            if (!daemonRunning()) {
                throw new SafeshiftException(SafeshiftException.Kind.STATE, "no daemon is running migration '"
                        + plan.name() + "' (phase " + migration.phase() + "); the daemon runs the " + kind + ". Start it"
                        + " with safeshift run" + (plan.file() == null ? "" : " " + plan.file()) + ".");
            }
            if (migration.phase() != expected) {
                throw new SafeshiftException(SafeshiftException.Kind.STATE, "migration '" + plan.name() + "' is "
                        + migration.phase() + "; " + rule + ".");
            }
            long request = store.request(migration.id(), kind, actor, payload);
            long checkDaemonAt = System.nanoTime();
            while (true) {
                Optional<String> outcome = store.requestOutcome(request);
                if (outcome.isPresent()) {
                    return SwitchAnswer.of(request, outcome.get());
                }
                if (System.nanoTime() - checkDaemonAt > 2_000_000_000L) {
                    checkDaemonAt = System.nanoTime();
                    if (!daemonRunning()) {
                        throw new SafeshiftException(SafeshiftException.Kind.STATE, "the daemon stopped before it"
                                + " answered the " + kind + " request; a daemon started again finishes or undoes a switch"
                                + " that was under way. safeshift status shows where the migration stands.");
                    }
                }
                Thread.sleep(50);
            }
        }
    }

    /** What {@link #abort()} would remove, for a confirmation; refused while a daemon runs. */
    public AbortPreview abortPreview() {
        try (ControlStore store = ControlStore.open(plan.controlEndpoint(), plan.control().schema())) {
            Optional<MigrationRecord> migration = store.find(plan.name());
            if (migration.isPresent()) {
                refuseWhileRunning();
                refuseOnceCutOver(migration.get());
            }
            return new AbortPreview(migration.isPresent(),
                    migration.flatMap(m -> MigrationDaemon.captureName(store, m.id())));
        }
    }

    /**
     * Gives the migration up: drops the capture it recorded on the source, its applied position and
     * chunk marks in the target, and its state in the control store. Target tables and their rows
     * stay. Refused while a daemon runs the migration.
     */
    public AbortOutcome abort() {
        try (ControlStore store = ControlStore.open(plan.controlEndpoint(), plan.control().schema());
             Engine engine = Engines.forEndpoints(plan.source(), plan.moveTarget())) {
            Optional<MigrationRecord> migration = store.find(plan.name());
            if (migration.isEmpty()) {
                return new AbortOutcome(false, Optional.empty(), false);
            }
            refuseWhileRunning();
            refuseOnceCutOver(migration.get());
            Optional<String> capture = MigrationDaemon.captureName(store, migration.get().id());
            boolean slotExisted = false;
            if (capture.isPresent()) {
                slotExisted = engine.captureExists(capture.get());
                engine.dropCapture(capture.get());
                engine.forgetTarget(capture.get());
            }
            store.purge(migration.get().id());
            return new AbortOutcome(true, capture, slotExisted);
        }
    }

    /**
     * Where the migration stands, from the store, with what only the databases can tell measured
     * now: whether a daemon holds the lock, and the log the source keeps for the capture.
     */
    public StatusReport status() {
        try (ControlStore store = ControlStore.open(plan.controlEndpoint(), plan.control().schema())) {
            StatusReport report = store.status(plan.name());
            return report.withLiveness(liveness(report, daemonRunning()));
        }
    }

    /**
     * Drain with proof: writes a mark into the log of the side the application writes to and waits
     * until the stream from it has committed everything before the mark into the other side (the
     * forward stream, or after a cutover the stream back). False when {@code timeout} passed first,
     * or when the migration has no such stream yet.
     */
    public boolean awaitDrained(Duration timeout) {
        try (ControlStore store = ControlStore.open(plan.controlEndpoint(), plan.control().schema())) {
            Optional<MigrationRecord> migration = store.find(plan.name());
            boolean back = migration.map(m -> m.phase() == Phase.CUT_OVER).orElse(false);
            Optional<String> capture = migration.flatMap(m -> store.stream(m.id(), back ? Direction.REVERSE : Direction.FORWARD))
                    .map(StreamState::slotName);
            if (capture.isEmpty()) {
                return false;
            }
            try (Engine engine = back ? Engines.forEndpoints(plan.moveTarget(), plan.source())
                    : Engines.forEndpoints(plan.source(), plan.moveTarget())) {
                return new LogMarkBarrier(engine, capture.get()).awaitApplied(timeout);
            }
        }
    }

    /** The migration's phase, from the store; empty until a daemon registered it. */
    public Optional<Phase> phase() {
        try (ControlStore store = ControlStore.open(plan.controlEndpoint(), plan.control().schema())) {
            return store.find(plan.name()).map(MigrationRecord::phase);
        }
    }

    /** Whether a daemon holds this migration's lock right now. */
    public boolean daemonRunning() {
        return DaemonLock.isHeld(plan.controlEndpoint(), plan.control().schema(), plan.name());
    }

    private void refuseWhileRunning() {
        if (daemonRunning()) {
            throw new SafeshiftException(SafeshiftException.Kind.IN_USE, "a daemon is running migration '"
                    + plan.name() + "'. Stop it first with safeshift stop" + (plan.file() == null ? "" : " " + plan.file())
                    + ", then abort.");
        }
    }

    /**
     * Once the application writes to the target (or is being switched), the store is the only record
     * of where writes go and of the source tables closed to writes; throwing it away would leave
     * the next person guessing.
     */
    private void refuseOnceCutOver(MigrationRecord migration) {
        if (migration.phase() == Phase.CUTTING_OVER || migration.phase() == Phase.CUT_OVER
                || migration.phase() == Phase.ROLLING_BACK) {
            throw new SafeshiftException(SafeshiftException.Kind.STATE, "migration '" + plan.name() + "' is "
                    + migration.phase() + ": the application writes to the target (or is being switched to it) and the"
                    + " source tables refuse writes, so aborting would throw away the only record of that. Start the"
                    + " daemon (safeshift run) to finish a cutover that was under way.");
        }
    }

    /**
     * A daemon that was killed no longer reports the retained log, and that is when it grows; a
     * source that cannot be reached is said so rather than failing the whole status.
     */
    private Liveness liveness(StatusReport report, boolean running) {
        long warnAbove = plan.stream().warnRetainedWalBytes();
        Optional<String> slot = report.stream().filter(StreamState::started).map(StreamState::slotName);
        if (slot.isEmpty()) {
            return new Liveness(running, Optional.empty(), Optional.of("no replication slot yet"), warnAbove);
        }
        try (Engine engine = Engines.forEndpoints(plan.source(), plan.moveTarget())) {
            OptionalLong bytes = engine.retainedLog(slot.get());
            return bytes.isPresent()
                    ? new Liveness(running, Optional.of(bytes.getAsLong()), Optional.empty(), warnAbove)
                    : new Liveness(running, Optional.empty(), Optional.of("the slot " + slot.get()
                    + " does not exist on the source"), warnAbove);
        } catch (RuntimeException e) {
            LOG.warn("could not measure the retained write-ahead log", e);
            return new Liveness(running, Optional.empty(), Optional.of("the source could not be asked: " + e.getMessage()),
                    warnAbove);
        }
    }

    /**
     * The daemon's answer to a cutover or rollback request.
     *
     * @param switched whether the application moved to the other database
     * @param text     the outcome as the daemon said it
     */
    public record SwitchAnswer(long request, boolean switched, String text) {

        static SwitchAnswer of(long request, String outcome) {
            String refused = "refused: ";
            if (outcome.startsWith(refused)) {
                throw new SafeshiftException(SafeshiftException.Kind.STATE, outcome.substring(refused.length()));
            }
            return new SwitchAnswer(request, outcome.startsWith("switched"), outcome);
        }
    }

    /**
     * What an abort would remove.
     *
     * @param registered whether the control store knows the migration at all
     * @param capture    the replication slot and publication it recorded, if it got that far
     */
    public record AbortPreview(boolean registered, Optional<String> capture) {
    }

    /**
     * What an abort removed.
     *
     * @param registered  false when there was no such migration, and nothing was touched
     * @param capture     the capture whose slot and publication were dropped, with the target's marks
     * @param slotExisted whether the slot still existed on the source
     */
    public record AbortOutcome(boolean registered, Optional<String> capture, boolean slotExisted) {
    }
}
