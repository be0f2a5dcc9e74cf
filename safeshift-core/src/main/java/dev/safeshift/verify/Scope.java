package dev.safeshift.verify;

import java.util.OptionalDouble;

/**
 * Which chunks a verification checks.
 *
 * @param samplePercent empty for a full verification, else the percentage of chunks checked
 * @param seed          the seed that chose the sampled chunks; the same seed on the same chunks
 *                      chooses the same ones again
 */
public record Scope(OptionalDouble samplePercent, long seed) {

    public static Scope full() {
        return new Scope(OptionalDouble.empty(), 0);
    }

    public static Scope sample(double percent, long seed) {
        if (!(percent > 0 && percent <= 100)) {
            throw new IllegalArgumentException("a sample is more than 0% and at most 100% of the chunks, not " + percent + "%");
        }
        return new Scope(OptionalDouble.of(percent), seed);
    }

    public boolean isFull() {
        return samplePercent.isEmpty() || samplePercent.getAsDouble() >= 100;
    }
}
