package dev.safeshift.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safeshift.store.ControlStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the daemon's retries on the timeline. The store may live on the database that is away; then
 * a retry waits and is written, with the time it happened, as soon as the store answers again.
 */
final class RetryLog {

    private static final Logger LOG = LoggerFactory.getLogger(RetryLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ControlStore store;
    private final String actor;
    /** Retries that happened while the store could not be written to, oldest first. */
    private final List<String> unrecorded = new ArrayList<>();

    RetryLog(ControlStore store, String actor) {
        this.store = store;
        this.actor = actor;
    }

    void record(long migrationId, RuntimeException e, int attempt, Duration wait) {
        var detail = JSON.createObjectNode()
                .put("at", Instant.now().toString()).put("attempt", attempt).put("waitSeconds", wait.toSeconds())
                .put("error", e.getClass().getSimpleName()).put("message", String.valueOf(e.getMessage()));
        unrecorded.add(detail.toString());
        recordPending(migrationId);
    }

    void recordPending(long migrationId) {
        while (!unrecorded.isEmpty()) {
            try {
                store.append(migrationId, "retry", actor, unrecorded.get(0));
                unrecorded.remove(0);
            } catch (RuntimeException storeDown) {
                LOG.warn("could not record the retry on the timeline yet: {}", storeDown.getMessage());
                return;
            }
        }
    }
}
