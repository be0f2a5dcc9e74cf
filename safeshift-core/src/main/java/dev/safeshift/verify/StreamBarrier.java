package dev.safeshift.verify;

import java.time.Duration;

/**
 * Waits until the change stream has applied, in the target, everything the source committed
 * before the call (a mark written into the source's log, then waiting for the stream to apply it).
 * A row read from the source before the call can then be compared with the target without a
 * change in flight looking like a difference.
 */
public interface StreamBarrier {

    /** True once the stream has applied past this moment; false if that took longer than {@code timeout}. */
    boolean awaitApplied(Duration timeout);
}
