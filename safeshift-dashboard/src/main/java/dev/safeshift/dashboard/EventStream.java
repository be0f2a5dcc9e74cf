package dev.safeshift.dashboard;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.FutureCallback;

/**
 * One browser's Server-Sent Events stream: the response stays open, each event is written and
 * flushed whole, and a write that fails or hangs (the browser went away) ends the stream.
 */
final class EventStream {

    private static final long WRITE_TIMEOUT_SECONDS = 10;

    private final Response response;
    private final Callback done;
    private volatile boolean open = true;

    EventStream(Response response, Callback done) {
        this.response = response;
        this.done = done;
    }

    boolean isOpen() {
        return open;
    }

    /** Sends one event; false, and the stream is closed, when it could not be written. */
    synchronized boolean send(String event, String data) {
        if (!open) {
            return false;
        }
        StringBuilder text = new StringBuilder("event: ").append(event).append('\n');
        data.lines().forEach(line -> text.append("data: ").append(line).append('\n'));
        text.append('\n');
        FutureCallback written = new FutureCallback();
        response.write(false, ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)), written);
        try {
            written.get(WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            close();
            return false;
        }
    }

    synchronized void close() {
        if (open) {
            open = false;
            done.succeeded();
        }
    }
}
