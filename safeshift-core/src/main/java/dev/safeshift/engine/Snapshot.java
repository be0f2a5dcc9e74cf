package dev.safeshift.engine;

/**
 * A consistent view of the source as of one moment, opened by an engine and held open until
 * closed. It is a handle, not a name: only the engine that opened it knows what it stands for (an
 * exported PostgreSQL snapshot, say), and it refuses one from another engine, so the backfill can
 * pass it around without knowing how a database shares a snapshot between sessions.
 */
public interface Snapshot {

    /** The snapshot in a few words for logs and messages, e.g. {@code PostgreSQL snapshot 00000003-0000001B-1}. */
    String describe();
}
