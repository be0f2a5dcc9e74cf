package dev.safeshift.store;

import java.time.Instant;
import java.util.Optional;

/**
 * The change stream of a migration: the slot and publication it owns (recorded before they are
 * created), the source server they live on, where the stream started, and the latest progress the
 * daemon reported.
 *
 * @param startPosition      empty while the slot is recorded but not yet created
 * @param sourceSystemId     the source server's system identifier, empty for migrations recorded by
 *                           an older version
 * @param retainedWalBytes   write-ahead log the source keeps for the slot, as last reported
 */
public record StreamState(
        String slotName,
        String publicationName,
        Optional<String> startPosition,
        Optional<String> appliedPosition,
        Optional<Long> lagBytes,
        Optional<Long> lagMillis,
        long eventsApplied,
        Optional<Instant> reportedAt,
        Optional<String> sourceSystemId,
        Optional<String> sourceDatabase,
        Optional<Long> retainedWalBytes) {

    /** Whether the slot was created (not only recorded as about to be). */
    public boolean started() {
        return startPosition.isPresent();
    }
}
