package dev.safeshift.engine;

import java.time.Instant;

/**
 * Writes to the moved tables held off on the source, by whoever makes them, until {@link #close()}
 * lifts the fence. Reads go on. The fence lives in a session of its own: a daemon that dies takes it
 * with it, so writes are never left blocked by a process that is gone.
 */
public interface WriteFence extends AutoCloseable {

    /** When the fence was in place: every write to the tables committed before then, none after. */
    Instant fencedAt();

    /** Which attempt took the fence (1 when the tables were free at once). */
    int attempt();

    /** Lifts the fence. Lifting it again does nothing. */
    @Override
    void close();
}
