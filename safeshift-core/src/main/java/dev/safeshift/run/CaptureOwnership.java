package dev.safeshift.run;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.Engine;
import dev.safeshift.engine.SourceIdentity;
import dev.safeshift.plan.Plan;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.StreamState;
import java.util.Optional;

/** Which capture (replication slot and publication) a migration may use: only the one it recorded and created. */
final class CaptureOwnership {

    private CaptureOwnership() {
    }

    /**
     * The capture this migration recorded and created, checked to be there, on the same source
     * server it was created on. A slot the store does not record for this migration is never used.
     */
    static String owned(Plan plan, ControlStore store, Engine engine, long migrationId) {
        StreamState recorded = store.stream(migrationId).filter(StreamState::started).orElseThrow(() -> new SafeshiftException(
                SafeshiftException.Kind.STATE, "the control store records chunks for migration " + plan.name()
                + " but no replication slot; its state is incomplete. Start over with safeshift abort followed by"
                + " safeshift run."));
        requireSameSource(plan, recorded, engine.identifySource());
        String capture = recorded.slotName();
        if (!engine.captureExists(capture)) {
            throw new SafeshiftException(SafeshiftException.Kind.STATE,
                    "the replication slot " + capture + " that this migration reads from no longer exists on the source, "
                            + "so changes made since it was dropped are lost to Safeshift. Start over with "
                            + "safeshift abort followed by safeshift run.");
        }
        return capture;
    }

    static void requireSameSource(Plan plan, StreamState recorded, SourceIdentity now) {
        Optional<String> systemId = recorded.sourceSystemId();
        Optional<String> database = recorded.sourceDatabase();
        if ((systemId.isPresent() && !systemId.get().equals(now.systemId()))
                || (database.isPresent() && !database.get().equals(now.database()))) {
            throw new SafeshiftException(SafeshiftException.Kind.STATE, "the source at "
                    + plan.source().redactedUrl() + " is not where this migration's replication slot "
                    + recorded.slotName() + " was created (server " + systemId.orElse("?") + ", database "
                    + database.orElse("?") + "; now server " + now.systemId() + ", database " + now.database()
                    + "). Point source.url back at that server, or give the migration up with safeshift abort.");
        }
    }
}
