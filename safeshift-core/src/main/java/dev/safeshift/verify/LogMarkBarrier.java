package dev.safeshift.verify;

import dev.safeshift.engine.Engine;
import java.time.Duration;

/**
 * A {@link StreamBarrier} from the engine's source-log marks: write a mark into the source's log,
 * then poll the target until the stream has applied past it.
 */
public final class LogMarkBarrier implements StreamBarrier {

    private static final long POLL_MILLIS = 20;

    private final Engine engine;
    private final String captureName;

    public LogMarkBarrier(Engine engine, String captureName) {
        this.engine = engine;
        this.captureName = captureName;
    }

    @Override
    public boolean awaitApplied(Duration timeout) {
        String mark = engine.markSourceLog(captureName);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!engine.hasApplied(captureName, mark)) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
