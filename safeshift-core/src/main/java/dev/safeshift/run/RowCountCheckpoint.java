package dev.safeshift.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.safeshift.engine.Engine;
import dev.safeshift.engine.Side;
import dev.safeshift.engine.TableComparer;
import dev.safeshift.engine.TableMove;
import dev.safeshift.store.ChunkRecord;
import dev.safeshift.store.ControlStore;
import java.util.List;

/**
 * Row counts recorded in the timeline while the backfill runs: per table, the chunks finished,
 * the rows those chunks copied, and the rows the target really holds. Each chunk commits its rows
 * before it is marked finished, so during the copy the target may hold more than the finished
 * chunks account for, never fewer; once the backfill is complete the two must be equal, and the
 * final checkpoint says whether they are.
 */
final class RowCountCheckpoint {

    static final String EVENT = "row-count-checkpoint";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RowCountCheckpoint.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Engine engine;
    private final ControlStore store;
    private final long migrationId;
    private final String actor;

    RowCountCheckpoint(Engine engine, ControlStore store, long migrationId, String actor) {
        this.engine = engine;
        this.store = store;
        this.migrationId = migrationId;
        this.actor = actor;
    }

    /**
     * The final checkpoint: with every chunk copied and the stream not yet started, the target must
     * hold exactly the rows the chunks copied. A count that fails or disagrees is said, not fatal:
     * the copy is done and checkpointed.
     */
    void recordFinal(List<TableMove> moves, RunListener listener) {
        boolean consistent;
        try {
            consistent = record(moves, true);
        } catch (RuntimeException e) {
            LOG.warn("final row-count checkpoint failed", e);
            listener.info("The final row-count checkpoint could not be recorded: " + e.getMessage());
            return;
        }
        if (!consistent) {
            listener.info("WARNING: the target's row count differs from the rows the backfill copied (details in the "
                    + "timeline, event " + EVENT + "). Something else writes to the target table; "
                    + "run safeshift verify to see the rows.");
        }
    }

    /**
     * Counts and records. {@code complete} marks the checkpoint at the end of the backfill, where
     * target rows must equal copied rows.
     *
     * @return whether every table's counts are consistent with that stage
     */
    boolean record(List<TableMove> moves, boolean complete) {
        Counted counted = count(moves, complete);
        append(counted);
        return counted.consistent();
    }

    /** Counts taken for a checkpoint, not yet on the timeline. */
    record Counted(String detail, boolean consistent) {
    }

    void append(Counted counted) {
        store.append(migrationId, EVENT, actor, counted.detail());
    }

    /** Counts without recording: the caller decides whether they still belong on the timeline. */
    Counted count(List<TableMove> moves, boolean complete) {
        List<ChunkRecord> chunks = store.chunks(migrationId);
        ObjectNode detail = JSON.createObjectNode();
        detail.put("stage", complete ? "backfill complete" : "during backfill");
        ArrayNode tables = detail.putArray("tables");
        boolean consistent = true;
        try (TableComparer comparer = engine.openComparer(1)) {
            for (TableMove move : moves) {
                List<ChunkRecord> own = chunks.stream().filter(c -> c.table().equals(move.key())).toList();
                long copied = own.stream().filter(ChunkRecord::done).mapToLong(ChunkRecord::rowsCopied).sum();
                long target = comparer.countRows(Side.TARGET, move);
                boolean ok = complete ? target == copied : target >= copied;
                consistent &= ok;
                ObjectNode table = tables.addObject();
                table.put("table", move.source().name().toString());
                table.put("chunksDone", own.stream().filter(ChunkRecord::done).count());
                table.put("chunks", own.size());
                table.put("rowsCopied", copied);
                table.put("targetRows", target);
                table.put("consistent", ok);
            }
        }
        detail.put("consistent", consistent);
        return new Counted(detail.toString(), consistent);
    }
}
