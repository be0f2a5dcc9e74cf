package dev.safeshift.postgres.check.cost;

import java.util.Objects;

/**
 * How long a statement's work on one table should take, with a range.
 *
 * @param seconds the expected time
 * @param low     the short end of the range
 * @param high    the long end of the range
 * @param basis   what the figure rests on, for the reader to judge it
 */
public record Estimate(double seconds, double low, double high, String basis) {

    public Estimate {
        Objects.requireNonNull(basis, "basis");
        if (seconds < 0 || low > seconds || high < seconds) {
            throw new IllegalArgumentException("an estimate needs 0 <= low <= seconds <= high");
        }
    }
}
