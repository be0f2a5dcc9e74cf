package dev.safeshift.engine;

import dev.safeshift.plan.QualifiedName;

/** A source table as described, and where it goes in the target (same column names). */
public record TableMove(TableInfo source, QualifiedName target) {

    /** Stable name used for chunk checkpoints and progress: the source's qualified name. */
    public String key() {
        return source.name().toString();
    }
}
