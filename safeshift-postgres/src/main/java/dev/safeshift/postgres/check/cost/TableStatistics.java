package dev.safeshift.postgres.check.cost;

import dev.safeshift.plan.QualifiedName;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A table's size as the source's catalog knows it now; for a partitioned table, the sum over its
 * partitions.
 *
 * @param rows       the planner's row estimate ({@code reltuples}); empty when the table was never
 *                   analysed, which the report says rather than guessing
 * @param heapBytes  bytes of the table's own data files (without indexes and TOAST)
 * @param indexBytes bytes of all its indexes
 * @param toastBytes bytes of its TOAST data (out-of-line large values)
 * @param indexes    how many indexes it has (on each partition, counted once per index of the parent)
 */
public record TableStatistics(QualifiedName table, OptionalLong rows, long heapBytes, long indexBytes, long toastBytes,
                              int indexes) {

    public TableStatistics {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(rows, "rows");
    }

    public long totalBytes() {
        return heapBytes + indexBytes + toastBytes;
    }
}
