package dev.safeshift.store;

import java.time.Instant;
import java.util.Optional;

/**
 * The change stream of a migration: the slot and publication it reads, where it started, and the
 * latest progress the daemon reported (applied position, lag, events applied).
 */
public record StreamState(
        String slotName,
        String publicationName,
        String startPosition,
        Optional<String> appliedPosition,
        Optional<Long> lagBytes,
        Optional<Long> lagMillis,
        long eventsApplied,
        Optional<Instant> reportedAt) {
}
