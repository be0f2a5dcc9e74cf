package dev.safeshift.verify;

import dev.safeshift.engine.Engine;
import java.time.Duration;

/**
 * A {@link StreamBarrier} from the engine's source-log marks: write a mark into the source's log,
 * then poll the target until the stream has applied past it.
 */
public final class LogMarkBarrier implements StreamBarrier {

    private final Engine engine;
    private final String captureName;

    public LogMarkBarrier(Engine engine, String captureName) {
        this.engine = engine;
        this.captureName = captureName;
    }

    @Override
    public boolean awaitApplied(Duration timeout) {
        String mark = engine.markSourceLog(captureName);
        try {
            return engine.awaitApplied(captureName, mark, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
