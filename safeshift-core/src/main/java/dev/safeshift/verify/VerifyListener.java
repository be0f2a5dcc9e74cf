package dev.safeshift.verify;

import dev.safeshift.engine.Side;

/** Told of a verification's progress, for a terminal or a log. Called from worker threads. */
public interface VerifyListener {

    VerifyListener NONE = new VerifyListener() {
    };

    /** The table's chunks are planned; {@code toCheck} of {@code chunks} will be checked. */
    default void tableStarted(String table, int chunks, int toCheck) {
    }

    /** How far a one-pass scan of a whole table on one side has come (0 to 1). */
    default void scanned(String table, Side side, double fraction) {
    }

    default void chunkChecked(String table, int checked, int toCheck, long rowsChecked) {
    }

    /** Keys that differed at first sight are being re-checked against the stream. */
    default void recheckStarted(String table, int suspects) {
    }

    default void tableFinished(TableVerdict verdict) {
    }
}
