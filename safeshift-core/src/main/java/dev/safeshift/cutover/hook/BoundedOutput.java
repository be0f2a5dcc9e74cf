package dev.safeshift.cutover.hook;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Reads one output stream of a hook to its end on a thread of its own, so a hook that writes a lot
 * never blocks on a full pipe, and keeps only its first {@link #LIMIT} bytes: what a hook says goes
 * into messages and the timeline, not its whole log.
 */
final class BoundedOutput {

    /** Enough for any sentence a hook means to say, and for the start of a stack trace. */
    static final int LIMIT = 16 * 1024;

    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final Thread reader;
    private long dropped;

    private BoundedOutput(InputStream stream, String name) {
        reader = new Thread(() -> drain(stream), name);
        reader.setDaemon(true);
    }

    static BoundedOutput start(InputStream stream, String name) {
        BoundedOutput output = new BoundedOutput(stream, name);
        output.reader.start();
        return output;
    }

    private void drain(InputStream stream) {
        byte[] buffer = new byte[8192];
        try (stream) {
            int read;
            while ((read = stream.read(buffer)) >= 0) {
                synchronized (this) {
                    int keep = Math.min(read, LIMIT - kept.size());
                    kept.write(buffer, 0, keep);
                    dropped += read - keep;
                }
            }
        } catch (IOException e) {
            // the stream was closed under the reader (the hook was killed): what was read is kept
        }
    }

    /**
     * Waits until the stream ends, at most until {@code untilNanos} ({@link System#nanoTime()}), then
     * returns what was kept, trimmed. A process the hook left running may hold the stream open; it is
     * not waited for longer.
     */
    String text(long untilNanos) throws InterruptedException {
        reader.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(untilNanos - System.nanoTime())));
        synchronized (this) {
            String text = kept.toString(StandardCharsets.UTF_8).strip();
            return dropped == 0 ? text : text + " [" + dropped + " more bytes not kept]";
        }
    }
}
