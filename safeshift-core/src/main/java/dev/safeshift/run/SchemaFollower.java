package dev.safeshift.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.Engine;
import dev.safeshift.engine.SchemaChange;
import dev.safeshift.engine.SchemaChangedException;
import dev.safeshift.engine.TableMove;
import dev.safeshift.store.ControlStore;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Follows schema changes of the source tables. A change the target can be given exactly (new
 * columns whose existing rows all got the same value) is applied to the target and put on the
 * timeline; any other stops the daemon with a message that says what to do. Nothing is dropped
 * silently.
 */
final class SchemaFollower {

    static final String EVENT = "schema-change";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Engine engine;
    private final ControlStore store;
    private final long migrationId;
    private final RunListener listener;
    private final String actor;

    SchemaFollower(Engine engine, ControlStore store, long migrationId, RunListener listener, String actor) {
        this.engine = engine;
        this.store = store;
        this.migrationId = migrationId;
        this.listener = listener;
        this.actor = actor;
    }

    /**
     * The move to go on with for a migration that has started, whose source table may have changed
     * while no daemon streamed it. An automatic change is applied now. Any other stops the daemon
     * while chunks are still to be copied (they are read with the source's columns); once all are
     * copied, the stream goes on with the columns the target has, up to the first change that carries
     * the new ones, and stops there: changes written before the schema change are applied as they
     * were written.
     */
    TableMove resume(TableMove move, boolean copyPending) {
        Optional<SchemaChange> found = engine.compareWithTarget(move);
        if (found.isEmpty()) {
            return move;
        }
        SchemaChange change = found.get();
        if (change.automatic()) {
            apply(change);
            return move;
        }
        if (copyPending && !change.dropped().isEmpty() && !change.added().isEmpty()) {
            // The stream replays every change since the capture started, and those written before a
            // rename carry the old name, which cannot be matched to the new one.
            throw new SafeshiftException(SafeshiftException.Kind.SCHEMA_CHANGED, "The columns of the source table "
                    + move.source().name() + " changed while the backfill was copying it: " + change.summary()
                    + ". A column renamed then cannot be followed: changes written to it before the rename cannot be "
                    + "matched to its new name. Start the migration over with safeshift abort, then safeshift run.");
        }
        if (copyPending || change.targetShape().isEmpty()) {
            throw new SchemaChangedException(change);
        }
        listener.info("The source table " + move.source().name() + " changed while no daemon streamed it ("
                + change.summary() + "). Streaming with the target's columns up to the first change that shows it.");
        return change.targetShape().get();
    }

    /** Applies an automatic change to the target and puts it on the timeline. */
    void apply(SchemaChange change) {
        engine.applySchemaChange(change);
        store.append(migrationId, EVENT, actor, detail(change));
        listener.info("The source table " + change.move().source().name() + " gained "
                + change.added().stream().map(c -> "\"" + c.name() + "\" " + c.definition()).collect(Collectors.joining(", "))
                + "; added to the target " + change.move().target() + " with the same definition.");
    }

    /** The timeline's record of an applied change: table and column definitions, never row data. */
    static String detail(SchemaChange change) {
        ObjectNode root = JSON.createObjectNode();
        root.put("table", change.move().source().name().toString());
        root.put("target", change.move().target().toString());
        ArrayNode added = root.putArray("added");
        change.added().forEach(column -> added.addObject().put("name", column.name()).put("definition", column.definition()));
        root.put("applied", true);
        return root.toString();
    }
}
