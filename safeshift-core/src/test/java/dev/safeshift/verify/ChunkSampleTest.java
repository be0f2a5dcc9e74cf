package dev.safeshift.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ChunkSampleTest {

    @Test
    void aFullScopeChecksEveryChunkInOrder() {
        assertThat(ChunkSample.choose(5, Scope.full())).containsExactly(0, 1, 2, 3, 4);
        assertThat(ChunkSample.choose(5, Scope.sample(100, 7))).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void noChunksMeansNothingToChoose() {
        assertThat(ChunkSample.choose(0, Scope.full())).isEmpty();
        assertThat(ChunkSample.choose(0, Scope.sample(10, 7))).isEmpty();
    }

    @Test
    void aSampleChecksThePercentageRoundedUpAndAtLeastOneChunk() {
        assertThat(ChunkSample.choose(40, Scope.sample(10, 1))).hasSize(4);
        assertThat(ChunkSample.choose(41, Scope.sample(10, 1))).hasSize(5);
        assertThat(ChunkSample.choose(10, Scope.sample(0.01, 1))).hasSize(1);
        assertThat(ChunkSample.choose(1, Scope.sample(5, 1))).containsExactly(0);
        assertThat(ChunkSample.choose(3, Scope.sample(99.9, 1))).containsExactly(0, 1, 2);
    }

    @Test
    void theCountIsTheExactDecimalPercentageRoundedUp() {
        // Decimal percentages are not exact in binary: 8.8% of 375 chunks is 33 chunks, not 34.
        assertThat(ChunkSample.choose(375, Scope.sample(8.8, 1))).hasSize(33);
        assertThat(ChunkSample.choose(1000, Scope.sample(1.1, 1))).hasSize(11);
        assertThat(ChunkSample.choose(250, Scope.sample(64.4, 1))).hasSize(161);
        for (int chunks = 1; chunks <= 400; chunks += 3) {
            for (int tenths = 1; tenths < 1000; tenths += 7) {
                double percent = tenths / 10.0;
                int expected = new BigDecimal(chunks).multiply(BigDecimal.valueOf(percent))
                        .divide(BigDecimal.valueOf(100)).setScale(0, RoundingMode.CEILING).max(BigDecimal.ONE).intValueExact();
                assertThat(ChunkSample.choose(chunks, Scope.sample(percent, tenths)))
                        .as("%s%% of %d chunks", percent, chunks)
                        .hasSize(expected);
            }
        }
    }

    @Test
    void theSameSeedChoosesTheSameChunks() {
        List<Integer> first = ChunkSample.choose(1_000, Scope.sample(5, 42));
        assertThat(ChunkSample.choose(1_000, Scope.sample(5, 42))).isEqualTo(first);
        // java.util.Random's sequence is specified, so the choice is the same on every JVM
        assertThat(ChunkSample.choose(20, Scope.sample(20, 42))).containsExactly(0, 2, 10, 15);
    }

    @Test
    void differentSeedsChooseDifferentChunks() {
        Set<List<Integer>> choices = new HashSet<>();
        for (long seed = 0; seed < 20; seed++) {
            choices.add(ChunkSample.choose(1_000, Scope.sample(1, seed)));
        }
        assertThat(choices).hasSize(20);
    }

    @Test
    void chosenIndexesAreDistinctAscendingAndInRange() {
        for (int chunks : new int[] {1, 2, 3, 10, 97, 1_000, 100_000}) {
            for (double percent : new double[] {0.001, 1, 33.3, 50, 99}) {
                for (long seed = -3; seed < 3; seed++) {
                    List<Integer> chosen = ChunkSample.choose(chunks, Scope.sample(percent, seed));
                    assertThat(chosen).isNotEmpty().isSorted().doesNotHaveDuplicates()
                            .allSatisfy(i -> assertThat(i).isBetween(0, chunks - 1));
                }
            }
        }
    }

    @Test
    void everyChunkIsEquallyLikelyToBeChosen() {
        // The sample's promise assumes a uniform draw without replacement.
        int chunks = 10;
        int[] chosen = new int[chunks];
        int draws = 20_000;
        for (long seed = 0; seed < draws; seed++) {
            ChunkSample.choose(chunks, Scope.sample(30, seed)).forEach(i -> chosen[i]++);
        }
        double expected = draws * 3.0 / chunks;
        assertThat(IntStream.of(chosen).boxed().toList())
                .allSatisfy(count -> assertThat((double) count).isBetween(expected * 0.95, expected * 1.05));
    }
}
