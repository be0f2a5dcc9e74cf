package dev.safeshift.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safeshift.engine.Engine;
import dev.safeshift.engine.Engines;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.Direction;
import dev.safeshift.store.Phase;
import dev.safeshift.store.StreamState;
import java.util.Optional;

/**
 * Ends a migration that is cut over: the phase becomes COMPLETED first (so a daemon that dies
 * half-way finishes the clean-up when it starts again, instead of streaming), then both captures
 * are dropped, with what they left in the database they applied to. The source tables keep
 * refusing writes: they are out of date from now on.
 */
final class Completion {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MigrationDaemon daemon;
    private final long id;

    Completion(MigrationDaemon daemon, long id) {
        this.daemon = daemon;
        this.id = id;
    }

    void complete() {
        ControlStore store = daemon.store();
        store.setPhase(id, Phase.COMPLETED, "the cutover window ended; the application stays on the target", daemon.actor());
        dropCaptures();
        store.append(id, "completed", daemon.actor(), JSON.createObjectNode().toString());
        daemon.listener().info("Migration " + daemon.plan().name() + " is complete. The source tables still refuse"
                + " writes; drop or archive them when you no longer need them.");
    }

    /** Drops the captures of both directions, where they still exist; safe to call again. */
    void dropCaptures() {
        ControlStore store = daemon.store();
        Optional<String> forward = store.stream(id, Direction.FORWARD).map(StreamState::slotName);
        forward.ifPresent(capture -> drop(daemon.engine(), capture));
        Optional<String> reverse = store.stream(id, Direction.REVERSE).map(StreamState::slotName);
        if (reverse.isPresent()) {
            try (Engine back = Engines.forEndpoints(daemon.plan().moveTarget(), daemon.plan().source())) {
                drop(back, reverse.get());
            }
        }
    }

    private static void drop(Engine engine, String capture) {
        engine.dropCapture(capture);
        engine.forgetTarget(capture);
    }
}
