package dev.safeshift.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import org.junit.jupiter.api.Test;

class SamplePromisesTest {

    @Test
    void aFullSampleCatchesASingleChunkAndASingleRow() {
        SamplePromise promise = SamplePromises.compute(10, 10, 1_000, 1_000);

        assertThat(promise.chunksSampled()).isEqualTo(10);
        assertThat(promise.chunks()).isEqualTo(10);
        assertThat(promise.confidence()).isEqualTo(0.99);
        assertThat(promise.rowsFraction()).isEqualTo(1.0);
        assertThat(promise.clusteredFraction()).isEqualTo(0.1);
        assertThat(promise.scatteredFraction()).isEqualTo(0.001);
    }

    @Test
    void anEmptyTablePromisesNothingBeyondWhatIsThere() {
        // An empty table still has one (empty) chunk.
        SamplePromise promise = SamplePromises.compute(1, 1, 0, 0);

        assertThat(promise.rowsFraction()).isEqualTo(1.0);
        assertThat(promise.clusteredFraction()).isEqualTo(1.0);
        assertThat(promise.scatteredFraction()).isEqualTo(1.0);

        SamplePromise nothing = SamplePromises.compute(0, 0, 0, 0);
        assertThat(nothing.rowsFraction()).isEqualTo(1.0);
        assertThat(nothing.clusteredFraction()).isEqualTo(1.0);
        assertThat(nothing.scatteredFraction()).isEqualTo(1.0);
    }

    @Test
    void oneChunkIsAlwaysCheckedWhole() {
        SamplePromise promise = SamplePromises.compute(1, 1, 500, 500);

        assertThat(promise.rowsFraction()).isEqualTo(1.0);
        assertThat(promise.clusteredFraction()).isEqualTo(1.0);
        assertThat(promise.scatteredFraction()).isEqualTo(1.0 / 500);
    }

    @Test
    void sampledChunksWithoutRowsPromiseNothingAboutScatteredRows() {
        SamplePromise promise = SamplePromises.compute(10, 1, 0, 1_000);

        assertThat(promise.rowsFraction()).isEqualTo(0.0);
        assertThat(promise.scatteredFraction()).isEqualTo(1.0);
    }

    @Test
    void missProbabilityIsTheHypergeometricProbabilityOfDrawingNoneOfTheAffectedChunks() {
        for (int chunks = 1; chunks <= 60; chunks++) {
            for (int sampled = 1; sampled <= chunks; sampled++) {
                for (int affected = 0; affected <= chunks; affected++) {
                    double expected = exactMiss(chunks, sampled, affected);
                    assertThat(SamplePromises.missProbability(chunks, sampled, affected))
                            .as("%d of %d chunks drawn, %d affected", sampled, chunks, affected)
                            .isCloseTo(expected, within(1e-12));
                }
            }
        }
    }

    @Test
    void samplesOfSeveralSizesMatchAnIndependentCalculation() {
        int[][] cases = {{40, 4, 2_000, 20_000}, {100, 5, 5_000, 100_000}, {1_000, 10, 500_000, 50_000_000},
                {7, 1, 1_429, 10_000}, {12, 11, 9_170, 10_000}, {2, 1, 1, 2}};
        for (int[] c : cases) {
            SamplePromise promise = SamplePromises.compute(c[0], c[1], c[2], c[3]);
            assertThat(promise.rowsFraction()).isEqualTo((double) c[2] / c[3]);
            assertThat(promise.clusteredFraction()).as("clustered, %d of %d chunks", c[1], c[0])
                    .isEqualTo(smallestCaughtClustered(c[0], c[1]));
            assertThat(promise.scatteredFraction()).as("scattered, %d of %d rows", c[2], c[3])
                    .isEqualTo(smallestCaughtScattered(c[2], c[3]));
        }
    }

    /** C(n-m, k) / C(n, k) with exact integers. */
    private static double exactMiss(int n, int k, int m) {
        BigInteger all = binomial(n, k);
        BigInteger missing = binomial(n - m, k);
        return new BigDecimal(missing).divide(new BigDecimal(all), MathContext.DECIMAL64).doubleValue();
    }

    private static BigInteger binomial(int n, int k) {
        if (k < 0 || k > n) {
            return BigInteger.ZERO;
        }
        BigInteger result = BigInteger.ONE;
        for (int i = 0; i < k; i++) {
            result = result.multiply(BigInteger.valueOf(n - i)).divide(BigInteger.valueOf(i + 1));
        }
        return result;
    }

    /** Smallest m/n for which drawing k of n chunks misses all m affected ones with probability at most 1%. */
    private static double smallestCaughtClustered(int n, int k) {
        for (int m = 1; m <= n; m++) {
            BigInteger missing = binomial(n - m, k);
            // missing / all <= 1/100
            if (missing.multiply(BigInteger.valueOf(100)).compareTo(binomial(n, k)) <= 0) {
                return (double) m / n;
            }
        }
        return 1.0;
    }

    /** Smallest D/N for which D random rows all miss S sampled rows of N with probability at most 1%. */
    private static double smallestCaughtScattered(long sampled, long total) {
        double missOne = 1.0 - (double) sampled / total;
        double miss = 1.0;
        for (long rows = 1; rows <= total; rows++) {
            miss *= missOne;
            if (miss <= 0.01) {
                return (double) rows / total;
            }
        }
        return 1.0;
    }
}
