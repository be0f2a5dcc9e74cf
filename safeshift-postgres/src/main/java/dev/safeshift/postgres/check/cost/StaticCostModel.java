package dev.safeshift.postgres.check.cost;

import dev.safeshift.plan.Sizes;
import dev.safeshift.postgres.check.Work;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns a kind of work and a table's size into time, from the reading speed measured on the
 * source, before anything is rehearsed. Only reading can be measured without changing the source,
 * so writing and sorting are fixed multiples of it; the range is wide on purpose, and the basis
 * says so. A rehearsal at production size is what would replace these factors with measured ones.
 */
public final class StaticCostModel {

    /**
     * Writing a page (new heap file or index, with its write-ahead log) costs about three reads of
     * it on common hardware; rewriting is read plus write.
     */
    static final double WRITE_FACTOR = 3.0;
    /** An index build reads the table and sorts its keys; the sort is about as costly again as the read. */
    static final double SORT_FACTOR = 1.0;
    static final double LOW = 0.5;
    static final double HIGH = 2.5;

    private StaticCostModel() {
    }

    /** Empty for catalog-only work, whose time does not depend on the table (but see lock waits). */
    public static Optional<Estimate> estimate(Work work, TableStatistics table, Optional<ReadSpeed> speed) {
        if (work == Work.CATALOG_ONLY) {
            return Optional.empty();
        }
        if (speed.isEmpty()) {
            // An empty table: nothing to read, write or sort.
            return Optional.of(new Estimate(0, 0, 0, "the table is empty"));
        }
        ReadSpeed read = speed.get();
        double heap = read.secondsToRead(table.heapBytes() + table.toastBytes());
        double indexes = read.secondsToRead(table.indexBytes());
        double seconds = switch (work) {
            case FULL_SCAN -> heap;
            case INDEX_BUILD -> heap * (1 + SORT_FACTOR);
            case REWRITE, ROW_WRITES -> (heap + indexes) * (1 + WRITE_FACTOR);
            case CATALOG_ONLY -> 0;
        };
        String basis = String.format(Locale.ROOT, "rough: %s at %s/s measured on the source%s, %s",
                Sizes.pretty(table.heapBytes() + table.toastBytes()),
                Sizes.pretty((long) read.bytesPerSecond()),
                read.cached() ? " from its cache (slower if the table is not cached)" : "",
                work == Work.FULL_SCAN ? "read once" : "with fixed factors for writing and sorting");
        return Optional.of(new Estimate(seconds, seconds * LOW, seconds * HIGH, basis));
    }
}
