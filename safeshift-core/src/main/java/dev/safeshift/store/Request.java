package dev.safeshift.store;

import java.time.Instant;

/**
 * A request row written by a short-lived command (e.g. {@code stop}) for the daemon to act on.
 * {@code payload} is JSON text with whatever the request kind needs ({@code {}} when nothing).
 */
public record Request(long id, String kind, String requestedBy, Instant requestedAt, String payload) {

    public static final String STOP = "stop";
    /** Cut the application over to the target ({@code safeshift cutover}). */
    public static final String CUTOVER = "cutover";
    /** Take the application back to the source ({@code safeshift rollback}). */
    public static final String ROLLBACK = "rollback";
    /** End the cutover window: the application stays on the target ({@code safeshift complete}). */
    public static final String COMPLETE = "complete";

    public Request {
        payload = payload == null ? "{}" : payload;
    }

    /** A request without payload. */
    public Request(long id, String kind, String requestedBy, Instant requestedAt) {
        this(id, kind, requestedBy, requestedAt, "{}");
    }
}
