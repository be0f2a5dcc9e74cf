package dev.safeshift.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Backfill progress of one table, summed over its chunks. */
public record TableProgress(String table, int chunksDone, int chunksTotal, long rowsCopied, long estimatedRows) {

    /** Per-table totals, in the order the tables first appear in {@code chunks}. */
    public static List<TableProgress> of(List<ChunkRecord> chunks) {
        Map<String, long[]> sums = new LinkedHashMap<>();
        for (ChunkRecord chunk : chunks) {
            long[] sum = sums.computeIfAbsent(chunk.table(), t -> new long[4]);
            sum[0] += chunk.done() ? 1 : 0;
            sum[1] += 1;
            sum[2] += chunk.rowsCopied();
            sum[3] += chunk.estimatedRows();
        }
        List<TableProgress> tables = new ArrayList<>();
        sums.forEach((table, sum) -> tables.add(new TableProgress(table, (int) sum[0], (int) sum[1], sum[2], sum[3])));
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
