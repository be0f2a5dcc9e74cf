package dev.safeshift.verify;

import java.time.Duration;
import java.util.List;

/**
 * What verification found in one table.
 *
 * @param sourceRows      rows counted in the source's checked chunks (the whole table in a full run)
 * @param targetRows      rows counted in the target's checked chunks (the whole table in a full run)
 * @param chunks          chunks the table was split into
 * @param chunksChecked   chunks whose checksums were compared (all of them unless sampled)
 * @param chunksMismatched checked chunks whose first checksums differed (in-flight changes included)
 * @param rowsChecked     source rows inside the checked chunks
 * @param differences     rows that still differ after the in-flight re-check
 * @param unsettledKeys   keys that changed during every re-check, so no verdict could be reached
 */
public record TableVerdict(
        String table,
        long sourceRows,
        long targetRows,
        int chunks,
        int chunksChecked,
        int chunksMismatched,
        long rowsChecked,
        List<RowDifference> differences,
        List<List<String>> unsettledKeys,
        Duration duration) {

    public TableVerdict {
        differences = List.copyOf(differences);
        unsettledKeys = unsettledKeys.stream().map(List::copyOf).toList();
    }

    public int chunksMatched() {
        return chunksChecked - chunksMismatched;
    }

    public long missingInTarget() {
        return count(RowDifference.Kind.MISSING_IN_TARGET);
    }

    public long extraInTarget() {
        return count(RowDifference.Kind.EXTRA_IN_TARGET);
    }

    public long differing() {
        return count(RowDifference.Kind.DIFFERENT);
    }

    public boolean clean() {
        return differences.isEmpty() && unsettledKeys.isEmpty();
    }

    public double rowsPerSecond() {
        double seconds = duration.toNanos() / 1e9;
        return seconds <= 0 ? rowsChecked : rowsChecked / seconds;
    }

    private long count(RowDifference.Kind kind) {
        return differences.stream().filter(d -> d.kind() == kind).count();
    }
}
