package dev.safeshift.verify;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/** Which chunks a sample checks: a seeded, reproducible random choice. */
final class ChunkSample {

    private ChunkSample() {
    }

    /** Indexes (ascending) of the chunks to check; at least one, all of them for a full scope. */
    static List<Integer> choose(int chunks, Scope scope) {
        if (scope.isFull() || chunks == 0) {
            return IntStream.range(0, chunks).boxed().toList();
        }
        int wanted = wanted(chunks, scope.samplePercent().getAsDouble());
        List<Integer> indexes = new ArrayList<>(IntStream.range(0, chunks).boxed().toList());
        Random random = new Random(scope.seed());
        for (int i = 0; i < wanted; i++) { // the first steps of a Fisher-Yates shuffle
            int j = i + random.nextInt(chunks - i);
            Integer swap = indexes.get(i);
            indexes.set(i, indexes.get(j));
            indexes.set(j, swap);
        }
        return indexes.subList(0, wanted).stream().sorted().toList();
    }

    /**
     * The percentage of the chunks rounded up, at least one. Computed in decimal: in binary,
     * 375 * 8.8 / 100 comes out a hair above 33 and would round up to 34.
     */
    private static int wanted(int chunks, double percent) {
        BigDecimal exact = BigDecimal.valueOf(chunks).multiply(BigDecimal.valueOf(percent)).movePointLeft(2);
        return Math.max(1, exact.setScale(0, RoundingMode.CEILING).intValueExact());
    }
}
