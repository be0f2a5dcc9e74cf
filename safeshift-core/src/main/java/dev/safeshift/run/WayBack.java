package dev.safeshift.run;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.CaptureStart;
import dev.safeshift.engine.Engine;
import dev.safeshift.engine.Engines;
import dev.safeshift.engine.SourceIdentity;
import dev.safeshift.engine.TableMove;
import dev.safeshift.plan.Plan;
import dev.safeshift.plan.TableSpec;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.Direction;
import dev.safeshift.store.StreamState;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The migration seen the other way round, target to source: the engine that streams the
 * application's writes on the target back into the source after a cutover, the moved tables as
 * that engine describes them, and the capture on the target it reads, recorded in the store (as
 * the reverse stream) before it is created, like the forward one.
 */
public final class WayBack implements AutoCloseable {

    private static final SecureRandom TOKENS = new SecureRandom();

    private final ControlStore store;
    private final long migrationId;
    private final String migration;
    private final Engine engine;
    private final List<TableMove> moves;

    private WayBack(ControlStore store, long migrationId, String migration, Engine engine, List<TableMove> moves) {
        this.store = store;
        this.migrationId = migrationId;
        this.migration = migration;
        this.engine = engine;
        this.moves = List.copyOf(moves);
    }

    /** Describes the target tables of {@code forward} as sources of the way back. */
    public static WayBack open(Plan plan, ControlStore store, long migrationId, List<TableMove> forward) {
        Engine engine = Engines.forEndpoints(plan.moveTarget(), plan.source());
        try {
            List<TableMove> moves = forward.stream()
                    .map(move -> new TableMove(engine.describeSource(new TableSpec(move.target(), move.source().name(),
                            List.of())), move.source().name()))
                    .toList();
            return new WayBack(store, migrationId, plan.name(), engine, moves);
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    /** The engine whose source is the migration's target. */
    public Engine engine() {
        return engine;
    }

    /** The moved tables, from the target's tables to the source's. */
    public List<TableMove> moves() {
        return moves;
    }

    /** The capture on the target, if one was recorded. */
    public Optional<String> capture() {
        return store.stream(migrationId, Direction.REVERSE).map(StreamState::slotName);
    }

    /**
     * The capture on the target this migration recorded, after checking that the target is the
     * server and database it was created on: a slot of that name elsewhere is not this migration's.
     */
    public String ownedCapture() {
        StreamState recorded = store.stream(migrationId, Direction.REVERSE).orElseThrow(() -> new SafeshiftException(
                SafeshiftException.Kind.STATE, "migration '" + migration + "' records no capture of the way back (the"
                + " stream from the target to the source), though a cutover was under way or done"));
        SourceIdentity now = engine.identifySource();
        if (recorded.sourceSystemId().filter(id -> !id.equals(now.systemId())).isPresent()
                || recorded.sourceDatabase().filter(db -> !db.equals(now.database())).isPresent()) {
            throw new SafeshiftException(SafeshiftException.Kind.STATE, "the target is not where this migration's"
                    + " way-back slot " + recorded.slotName() + " was created (server "
                    + recorded.sourceSystemId().orElse("?") + ", database " + recorded.sourceDatabase().orElse("?")
                    + "; now server " + now.systemId() + ", database " + now.database() + "). Point target.url back at"
                    + " that server.");
        }
        return recorded.slotName();
    }

    /**
     * The capture on the target, created (and recorded first) when there is none: without a
     * snapshot, since the target already holds every row; a switch moves its start to the moment
     * traffic arrives. Applying into the source is prepared too, so the stream cannot fail on it
     * after the switch.
     */
    public String ensureCapture() {
        Optional<String> recorded = capture();
        if (recorded.isPresent() && engine.captureExists(ownedCapture())) {
            engine.prepareApply();
            return recorded.get();
        }
        String name = recorded.orElseGet(this::newName);
        SourceIdentity target = engine.identifySource();
        store.recordCapture(migrationId, Direction.REVERSE, name, name, Optional.of(target.systemId()),
                Optional.of(target.database()));
        try (CaptureStart start = engine.startCapture(name, moves)) {
            store.captureStarted(migrationId, Direction.REVERSE, start.position());
        }
        engine.prepareApply();
        return name;
    }

    /** {@code safeshift_<migration>_r<token>}: within PostgreSQL's 63 characters for the longest name a plan allows. */
    private String newName() {
        byte[] token = new byte[3];
        TOKENS.nextBytes(token);
        return "safeshift_" + migration + "_r" + HexFormat.of().formatHex(token);
    }

    @Override
    public void close() {
        engine.close();
    }
}
