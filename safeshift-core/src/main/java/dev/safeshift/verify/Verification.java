package dev.safeshift.verify;

import dev.safeshift.engine.Engine;
import dev.safeshift.engine.TableComparer;
import dev.safeshift.engine.TableMove;
import java.util.List;
import java.util.Optional;

/**
 * One verification run of a migration's tables, wired the one way every caller shares (the verify
 * command, the daemon's schedule, the demo): the engine's comparer, and, while a change stream
 * applies, a barrier through the stream's capture so that rows in flight are not reported.
 */
public final class Verification {

    private Verification() {
    }

    /**
     * @param streamingCapture the capture whose stream is applying changes right now; empty when
     *                         none is, and suspects are then compared with the target as it stands
     */
    public static VerificationReport run(Engine engine, String migration, List<TableMove> moves, Scope scope,
                                         VerifySettings settings, Optional<String> streamingCapture,
                                         VerifyListener listener) throws InterruptedException {
        Optional<StreamBarrier> barrier = streamingCapture.map(capture -> new LogMarkBarrier(engine, capture));
        try (TableComparer comparer = engine.openComparer(settings.parallelism())) {
            return new Verifier(comparer, settings, barrier, listener).verify(migration, moves, scope);
        }
    }
}
