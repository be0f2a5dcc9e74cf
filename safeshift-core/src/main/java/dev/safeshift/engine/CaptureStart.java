package dev.safeshift.engine;

/**
 * The consistent starting point of a move: a change-capture position plus a snapshot that shows
 * the source exactly as of that position. Backfill readers read through {@link #snapshot()}; the
 * change stream starts at {@link #position()}. Closing releases the snapshot (not the capture).
 */
public interface CaptureStart extends AutoCloseable {

    /** The log position where the change stream starts, in the engine's text form. */
    String position();

    /** The snapshot readers use; valid until {@link #close()}. */
    Snapshot snapshot();

    @Override
    void close();
}
