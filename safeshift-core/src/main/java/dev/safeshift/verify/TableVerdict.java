package dev.safeshift.verify;

import dev.safeshift.engine.ColumnDifference;
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
 * @param columnDifferences columns the target lacks, has in addition, or has with another type; rows
 *                        are then compared on the columns both sides have alike, or not at all when
 *                        a key column differs
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
        Duration duration,
        List<ColumnDifference> columnDifferences) {

    public TableVerdict {
        differences = List.copyOf(differences);
        unsettledKeys = unsettledKeys.stream().map(List::copyOf).toList();
        columnDifferences = List.copyOf(columnDifferences);
    }

    /** A verdict on tables whose columns are alike. */
    public TableVerdict(String table, long sourceRows, long targetRows, int chunks, int chunksChecked,
                        int chunksMismatched, long rowsChecked, List<RowDifference> differences,
                        List<List<String>> unsettledKeys, Duration duration) {
        this(table, sourceRows, targetRows, chunks, chunksChecked, chunksMismatched, rowsChecked, differences,
                unsettledKeys, duration, List.of());
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
        return differences.isEmpty() && unsettledKeys.isEmpty() && columnDifferences.isEmpty();
    }

    /** Whether anything differs for certain: a row, or a column. */
    public boolean differs() {
        return !differences.isEmpty() || !columnDifferences.isEmpty();
    }

    public double rowsPerSecond() {
        double seconds = duration.toNanos() / 1e9;
        return seconds <= 0 ? rowsChecked : rowsChecked / seconds;
    }

    private long count(RowDifference.Kind kind) {
        return differences.stream().filter(d -> d.kind() == kind).count();
    }
}
