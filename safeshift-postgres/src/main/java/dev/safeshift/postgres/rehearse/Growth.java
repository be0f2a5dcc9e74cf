package dev.safeshift.postgres.rehearse;

import dev.safeshift.postgres.check.Work;

/**
 * How a statement's time grows with its table's rows: not at all for a catalog change, in
 * proportion for a scan or a rewrite (each row is read, and written, once), as n·log n for an
 * index build (the keys are sorted).
 */
public enum Growth {
    CONSTANT("constant"),
    LINEAR("linear"),
    N_LOG_N("n log n");

    private final String label;

    Growth(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The size measure time is proportional to, for {@code rows} rows. */
    public double units(double rows) {
        return switch (this) {
            case CONSTANT -> 0;
            case LINEAR -> rows;
            case N_LOG_N -> rows <= 1 ? rows : rows * Math.log(rows) / Math.log(2);
        };
    }

    public static Growth of(Work work) {
        return switch (work) {
            case CATALOG_ONLY -> CONSTANT;
            case FULL_SCAN, REWRITE, ROW_WRITES -> LINEAR;
            case INDEX_BUILD -> N_LOG_N;
        };
    }
}
