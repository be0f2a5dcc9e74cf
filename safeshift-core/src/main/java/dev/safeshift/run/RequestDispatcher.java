package dev.safeshift.run;

import dev.safeshift.SafeshiftException;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.Request;
import java.util.Map;

/**
 * Hands each pending request in the store to the daemon's handler for its kind and records the
 * outcome. Every request is answered: one of a kind this daemon has no handler for is refused, and
 * so is one its handler refuses (a {@link SafeshiftException}), with the reason as its outcome.
 */
final class RequestDispatcher {

    /** Acts on a request; returns its outcome, as the store records it. */
    interface Handler {
        String handle(Request request);
    }

    private final ControlStore store;
    private final long migrationId;
    private final Map<String, Handler> handlers;

    RequestDispatcher(ControlStore store, long migrationId, Map<String, Handler> handlers) {
        this.store = store;
        this.migrationId = migrationId;
        this.handlers = Map.copyOf(handlers);
    }

    void dispatch() {
        for (Request request : store.pendingRequests(migrationId)) {
            Handler handler = handlers.get(request.kind());
            String outcome;
            if (handler == null) {
                outcome = "refused: this daemon takes no '" + request.kind() + "' requests (it takes "
                        + String.join(", ", new java.util.TreeSet<>(handlers.keySet())) + ")";
            } else {
                try {
                    outcome = handler.handle(request);
                } catch (SafeshiftException e) {
                    outcome = "refused: " + e.getMessage();
                }
            }
            store.completeRequest(request.id(), outcome);
        }
    }
}
