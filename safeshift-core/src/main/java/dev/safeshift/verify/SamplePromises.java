package dev.safeshift.verify;

/**
 * What a sample can promise, from the chunks it actually checked. Two ways differing rows can lie:
 * <ul>
 *   <li>clustered: packed into as few chunks as possible (a bad batch job, one range of keys).
 *       A difference touching {@code m} chunks' worth of rows escapes only if none of those
 *       {@code m} chunks was drawn: C(n-m, k) / C(n, k) for k of n chunks drawn;</li>
 *   <li>scattered: D differing rows at random places. All of them miss the sampled rows S of N
 *       with probability about (1 - S/N)^D.</li>
 * </ul>
 * Each figure is the smallest fraction of rows caught with the stated confidence.
 */
final class SamplePromises {

    static final double CONFIDENCE = 0.99;

    private SamplePromises() {
    }

    static SamplePromise compute(int chunks, int sampled, long sampledRows, long totalRows) {
        double rowsFraction = totalRows == 0 ? 1.0 : Math.min(1.0, (double) sampledRows / totalRows);
        return new SamplePromise(sampled, chunks, CONFIDENCE, rowsFraction,
                clustered(chunks, sampled), scattered(sampledRows, totalRows));
    }

    /** Smallest m/n such that a difference filling m of n chunks is missed with probability at most 1 - confidence. */
    static double clustered(int chunks, int sampled) {
        if (chunks == 0 || sampled >= chunks) {
            return chunks == 0 ? 1.0 : 1.0 / chunks;
        }
        for (int m = 1; m <= chunks; m++) {
            if (missProbability(chunks, sampled, m) <= 1 - CONFIDENCE) {
                return (double) m / chunks;
            }
        }
        return 1.0;
    }

    /** C(n-m, k) / C(n, k): none of the m affected chunks is among the k drawn. */
    static double missProbability(int chunks, int sampled, int affected) {
        double miss = 1.0;
        for (int i = 0; i < sampled; i++) {
            double left = chunks - affected - i;
            if (left <= 0) {
                return 0.0;
            }
            miss *= left / (chunks - i);
        }
        return miss;
    }

    /** Smallest D/N such that D rows at random places all miss the S sampled rows with probability at most 1 - confidence. */
    static double scattered(long sampledRows, long totalRows) {
        if (totalRows == 0 || sampledRows >= totalRows) {
            return totalRows == 0 ? 1.0 : 1.0 / totalRows;
        }
        if (sampledRows == 0) {
            return 1.0;
        }
        double rows = Math.ceil(Math.log(1 - CONFIDENCE) / Math.log(1 - (double) sampledRows / totalRows));
        return Math.min(1.0, rows / totalRows);
    }
}
