package dev.safeshift.check;

/**
 * How big a table is, as the database estimates it (PostgreSQL: {@code pg_class.reltuples} and
 * {@code pg_total_relation_size}). Estimates are enough: the review only asks whether a table is large.
 *
 * @param rows  about how many rows it holds
 * @param bytes how much space it takes, with its indexes and TOAST data
 */
public record TableSize(long rows, long bytes) {

    public TableSize {
        if (rows < 0 || bytes < 0) {
            throw new IllegalArgumentException("a table size is not negative: " + rows + " rows, " + bytes + " bytes");
        }
    }
}
