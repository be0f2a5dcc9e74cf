package dev.safeshift.verify;

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
        int wanted = (int) Math.max(1, Math.ceil(chunks * scope.samplePercent().getAsDouble() / 100.0));
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
}
