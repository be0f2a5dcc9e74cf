package dev.safeshift.store;

import java.time.Instant;
import java.util.Optional;

/**
 * A key range of one table, the unit of backfill and of checkpointing.
 * Bounds are the engine's own encoding of a primary-key value (JSON text); an empty bound is open.
 * A chunk covers {@code lowerInclusive <= key < upperExclusive}.
 */
public record ChunkRecord(
        String table,
        int chunkNo,
        Optional<String> lowerInclusive,
        Optional<String> upperExclusive,
        long estimatedRows,
        boolean done,
        long rowsCopied,
        Optional<Instant> finishedAt) {
}
