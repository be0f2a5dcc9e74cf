package dev.safeshift.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safeshift.engine.KeyRange;
import dev.safeshift.engine.TableMove;
import dev.safeshift.verify.SamplePromise;
import dev.safeshift.verify.Scope;
import dev.safeshift.verify.TableVerdict;
import dev.safeshift.verify.VerificationReport;
import dev.safeshift.verify.VerifySettings;
import java.math.BigInteger;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Samples: repeatable by seed, and promising what the arithmetic says. */
class VerifierSampleIT extends VerifierFixture {

    // ---------------------------------------------------------------- samples

    @Test
    void aSampleIsRepeatableBySeedAndPromisesWhatTheArithmeticSays() throws Exception {
        both("CREATE TABLE sampled (id int PRIMARY KEY, v text)",
                "INSERT INTO sampled SELECT g, 'value ' || g FROM generate_series(1, 20000) AS g",
                "ANALYZE sampled");
        // One differing row in each of the 40 chunks of 500 rows: the differences a sample reports
        // say exactly which chunks it checked.
        onTarget("UPDATE sampled SET v = 'changed' WHERE id % 500 = 250");
        TableMove move = describe("sampled");
        VerifySettings settings = VerifySettings.DEFAULTS.withRowsPerChunk(500);

        TableVerdict full = verifyOne(move, settings, Scope.full(), new Recorded());
        assertThat(full.chunks()).isEqualTo(40);
        assertThat(full.differences()).hasSize(40);

        Sample first = sample(move, settings, Scope.sample(10, 42));
        Sample again = sample(move, settings, Scope.sample(10, 42));
        assertThat(first.listener.planned).containsExactly(List.of(40, 4));
        assertThat(first.listener.chunksChecked.get()).isEqualTo(4);
        assertThat(first.verdict.chunksChecked()).isEqualTo(4);
        assertThat(first.verdict.rowsChecked()).isEqualTo(2_000);
        assertThat(first.verdict.chunksMismatched()).isEqualTo(4);
        // a sample counts the rows of the chunks it read; the promise takes the table's size from
        // the catalog (exact here, after ANALYZE)
        assertThat(first.verdict.sourceRows()).isEqualTo(2_000);
        assertThat(first.verdict.targetRows()).isEqualTo(2_000);
        Set<Integer> found = first.chunksWithDifferences();
        assertThat(found).hasSize(4);
        assertThat(first.checkedRanges).hasSize(4);

        assertThat(again.verdict.chunksChecked()).isEqualTo(first.verdict.chunksChecked());
        assertThat(again.verdict.rowsChecked()).isEqualTo(first.verdict.rowsChecked());
        assertThat(again.checkedRanges).isEqualTo(first.checkedRanges);
        // the same differences found, and the same 36 missed
        assertThat(again.chunksWithDifferences()).isEqualTo(found);
        assertThat(again.verdict.differences()).isEqualTo(first.verdict.differences());

        Sample other = null;
        for (long seed = 43; seed < 60 && other == null; seed++) {
            Sample candidate = sample(move, settings, Scope.sample(10, seed));
            if (!candidate.chunksWithDifferences().equals(found)) {
                other = candidate;
            }
        }
        assertThat(other).as("a seed that chooses other chunks").isNotNull();
        assertThat(other.checkedRanges).isNotEqualTo(first.checkedRanges);
        assertThat(other.chunksWithDifferences()).hasSize(4);

        checkPromise(first.report.promise().orElseThrow(), 40, 4, 2_000, 20_000);
        Sample quarter = sample(move, settings, Scope.sample(25, 7));
        assertThat(quarter.chunksWithDifferences()).hasSize(10);
        checkPromise(quarter.report.promise().orElseThrow(), 40, 10, 5_000, 20_000);
    }

    /** The promise against the arithmetic, done here independently of the verifier. */
    private static void checkPromise(SamplePromise promise, int chunks, int sampled, long sampledRows, long rows) {
        assertThat(promise.chunks()).isEqualTo(chunks);
        assertThat(promise.chunksSampled()).isEqualTo(sampled);
        assertThat(promise.confidence()).isEqualTo(0.99);
        assertThat(promise.rowsFraction()).isEqualTo((double) sampledRows / rows);

        // Clustered: a difference filling m whole chunks escapes when none of them is drawn, with the
        // hypergeometric probability C(n - m, k) / C(n, k). The promise is the smallest m/n for which
        // that is at most 1 - confidence.
        int m = 1;
        while (binomial(chunks - m, sampled).multiply(BigInteger.valueOf(100)).compareTo(binomial(chunks, sampled)) > 0) {
            m++;
        }
        assertThat(promise.clusteredFraction()).isEqualTo((double) m / chunks);

        // Scattered: D rows at random places all escape with probability (1 - S/N)^D.
        int d = 1;
        while (Math.pow(1 - (double) sampledRows / rows, d) > 0.01) {
            d++;
        }
        assertThat(promise.scatteredFraction()).isEqualTo((double) d / rows);
    }

    private static BigInteger binomial(int n, int k) {
        if (k > n) {
            return BigInteger.ZERO;
        }
        BigInteger result = BigInteger.ONE;
        for (int i = 0; i < k; i++) {
            result = result.multiply(BigInteger.valueOf(n - i)).divide(BigInteger.valueOf(i + 1));
        }
        return result;
    }

    private record Sample(VerificationReport report, TableVerdict verdict, Listener listener, Set<KeyRange> checkedRanges) {

        /** Chunk numbers (500 rows each) of the differences found. */
        Set<Integer> chunksWithDifferences() {
            return verdict.differences().stream().map(d -> (Integer.parseInt(d.key().get(0)) - 1) / 500)
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static Sample sample(TableMove move, VerifySettings settings, Scope scope) throws Exception {
        Recorded recorded = new Recorded();
        Listener listener = new Listener();
        VerificationReport report = verify(List.of(move), settings, scope, recorded, listener);
        return new Sample(report, report.tables().get(0), listener, Set.copyOf(recorded.checksummed));
    }
}
