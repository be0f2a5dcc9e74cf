package dev.safeshift.engine;

import java.util.Optional;

/**
 * A running change stream from the source's log into the target. Changes are applied in batches
 * as idempotent upserts and deletes; each batch commits together with its log position, so a
 * restart neither loses nor re-applies a change.
 */
public interface ChangeStream extends AutoCloseable {

    /** Starts streaming in the background and returns. */
    void start();

    StreamProgress progress();

    /** The error that stopped the stream, if it stopped on its own. */
    Optional<Throwable> failure();

    boolean isRunning();

    /** Stops streaming after the batch in hand is committed. */
    @Override
    void close();
}
