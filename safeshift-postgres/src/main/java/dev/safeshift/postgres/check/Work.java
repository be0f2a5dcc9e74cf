package dev.safeshift.postgres.check;

/**
 * The work a statement makes the server do on a table, which is what turns table size into time.
 * Each kind has its own cost model: reading is linear in the table's bytes, a rewrite writes the
 * table and rebuilds its indexes, an index build sorts.
 */
public enum Work {
    /** Only the catalog changes; the time does not depend on the table's size. */
    CATALOG_ONLY,
    /** Every row is read once (e.g. validating a CHECK or foreign key, SET NOT NULL). */
    FULL_SCAN,
    /** Every row is read and written to a new file, and every index is rebuilt. */
    REWRITE,
    /** Every row is read and the index keys sorted and written. */
    INDEX_BUILD,
    /** Every row (or every matching row) is updated or deleted in one transaction. */
    ROW_WRITES
}
