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

    /**
     * Lifts the fence and, in the same step, leaves the tables refusing every write from then on
     * with an error that names the migration, so that no write can slip in between and none made
     * by an application that still connects to the source is lost without a word. The changes
     * Safeshift itself applies as a replication client are not refused. Undone by
     * {@link Engine#reopenSource}. When this throws, the fence is lifted and whether the tables
     * refuse writes is for {@link Engine#closedSourceTables} to say.
     */
    void liftRefusingWrites(String migration);

    /** Lifts the fence. Lifting it again does nothing. */
    @Override
    void close();
}
