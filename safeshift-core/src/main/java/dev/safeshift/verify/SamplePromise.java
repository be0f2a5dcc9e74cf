package dev.safeshift.verify;

/**
 * What a sample can promise about differences it did not look at, computed from the chunks it
 * actually checked.
 *
 * @param confidence         the probability the figures below are stated at (e.g. 0.99)
 * @param rowsFraction       fraction of all source rows inside the sampled chunks
 * @param clusteredFraction  a difference touching at least this fraction of rows is caught with
 *                           {@code confidence} even when its rows sit together in as few chunks as possible
 * @param scatteredFraction  the same for differing rows spread at random over the table
 */
public record SamplePromise(
        int chunksSampled,
        int chunks,
        double confidence,
        double rowsFraction,
        double clusteredFraction,
        double scatteredFraction) {
}
