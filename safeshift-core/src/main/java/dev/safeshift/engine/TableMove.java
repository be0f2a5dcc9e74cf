package dev.safeshift.engine;

import dev.safeshift.plan.QualifiedName;

/**
 * A source table as described, and where it goes in the target (same column names).
 *
 * @param columnsListed whether the plan lists the moved columns: a column added to the source
 *                      later is then not part of the move
 */
public record TableMove(TableInfo source, QualifiedName target, boolean columnsListed) {

    /** A move of every column of the source table. */
    public TableMove(TableInfo source, QualifiedName target) {
        this(source, target, false);
    }

    /** Stable name used for chunk checkpoints and progress: the source's qualified name. */
    public String key() {
        return source.name().toString();
    }
}
