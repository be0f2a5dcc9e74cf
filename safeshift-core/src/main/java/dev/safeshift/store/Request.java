package dev.safeshift.store;

import java.time.Instant;

/** A request row written by a short-lived command (e.g. {@code stop}) for the daemon to act on. */
public record Request(long id, String kind, String requestedBy, Instant requestedAt) {

    public static final String STOP = "stop";
}
