package dev.safeshift.verify;

import java.time.Duration;

/**
 * How a verification splits and spreads its work.
 *
 * @param parallelism    queries running at once, source and target together
 * @param rowsPerChunk   rows per checksum chunk; small enough that narrowing one mismatching
 *                       chunk costs little next to the whole table
 * @param splitParts     sub-ranges a mismatching range is split into per narrowing step
 * @param leafRows       at or below this many rows a range's row digests are compared directly
 * @param confirmations  consecutive re-checks in which a key must still differ to be reported
 * @param recheckRounds  re-checks after which a key that kept changing is reported as unsettled
 * @param settleTimeout  how long a re-check waits for the change stream to apply its mark
 */
public record VerifySettings(
        int parallelism,
        long rowsPerChunk,
        int splitParts,
        long leafRows,
        int confirmations,
        int recheckRounds,
        Duration settleTimeout) {

    public static final VerifySettings DEFAULTS =
            new VerifySettings(4, 20_000, 16, 5_000, 2, 6, Duration.ofSeconds(30));

    public VerifySettings {
        if (parallelism < 1 || rowsPerChunk < 1 || splitParts < 2 || leafRows < 1 || confirmations < 1
                || recheckRounds < confirmations) {
            throw new IllegalArgumentException("invalid verification settings");
        }
    }

    public VerifySettings withParallelism(int value) {
        return new VerifySettings(value, rowsPerChunk, splitParts, leafRows, confirmations, recheckRounds, settleTimeout);
    }

    public VerifySettings withRowsPerChunk(long value) {
        return new VerifySettings(parallelism, value, splitParts, leafRows, confirmations, recheckRounds, settleTimeout);
    }
}
