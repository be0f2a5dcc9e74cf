package dev.safeshift.store;

import java.util.Optional;

/**
 * What a status shows beyond the store: whether a daemon holds the migration's lock right now, and
 * how much write-ahead log the source keeps for the migration's slot, measured on the source.
 *
 * @param daemonRunning          whether a daemon holds the migration's lock
 * @param retainedWalBytes       measured now; empty when it could not be measured
 * @param retainedWalUnavailable why it could not be measured, when it could not
 * @param warnRetainedWalBytes   above this, status warns (the plan's stream.warn-retained-wal)
 */
public record Liveness(boolean daemonRunning, Optional<Long> retainedWalBytes, Optional<String> retainedWalUnavailable,
                       long warnRetainedWalBytes) {

    /** How long a running daemon may go without a heartbeat before status calls it unresponsive. */
    public static final long HEARTBEAT_STALE_MILLIS = 15_000;

    public boolean retainedWalAboveWarning() {
        return retainedWalBytes.map(bytes -> bytes > warnRetainedWalBytes).orElse(false);
    }
}
