package dev.safeshift.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Backfill progress of one table, summed over its chunks. */
public record TableProgress(String table, int chunksDone, int chunksTotal, long rowsCopied, long estimatedRows) {

    /**
     * Per-table totals, in the order the tables first appear in {@code chunks}. A chunk's planned row
     * count is an estimate from statistics that may be stale, so the estimate is corrected by what
     * finished chunks really held: the chunks left are expected to hold at least as many rows as the
     * finished ones did on average, and the total is never less than what was copied.
     */
    public static List<TableProgress> of(List<ChunkRecord> chunks) {
        Map<String, long[]> sums = new LinkedHashMap<>();
        for (ChunkRecord chunk : chunks) {
            // done chunks, chunks, rows copied, rows copied by done chunks, planned rows of pending chunks
            long[] sum = sums.computeIfAbsent(chunk.table(), t -> new long[5]);
            sum[0] += chunk.done() ? 1 : 0;
            sum[1] += 1;
            sum[2] += chunk.rowsCopied();
            sum[3] += chunk.done() ? chunk.rowsCopied() : 0;
            sum[4] += chunk.done() ? 0 : chunk.estimatedRows();
        }
        List<TableProgress> tables = new ArrayList<>();
        sums.forEach((table, sum) -> {
            long done = sum[0];
            long pending = sum[1] - done;
            long average = done == 0 ? 0 : sum[3] / done;
            long plannedLeft = pending == 0 ? 0 : Math.max(sum[4], pending * average);
            long estimated = Math.max(sum[2], sum[3] + plannedLeft);
            tables.add(new TableProgress(table, (int) done, (int) sum[1], sum[2], estimated));
        });
        return tables;
    }

    public boolean complete() {
        return chunksTotal > 0 && chunksDone == chunksTotal;
    }

    /**
     * Percent done. Row estimates come from statistics and can be off either way, so a table only
     * shows 100 when every chunk is done; until then rows are measured against the estimate (capped
     * at 99.9), or chunks are counted when there is no estimate.
     */
    public double percent() {
        if (complete()) {
            return 100.0;
        }
        if (estimatedRows > 0) {
            return Math.min(99.9, 100.0 * rowsCopied / estimatedRows);
        }
        return chunksTotal == 0 ? 0.0 : 100.0 * chunksDone / chunksTotal;
    }
}
