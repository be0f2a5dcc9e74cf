package dev.safeshift.postgres.check;

import dev.safeshift.plan.QualifiedName;
import java.util.Objects;
import java.util.Optional;

/**
 * A table a statement names, resolved: its qualified name, what the source knows about it, and
 * whether the script created it earlier (then it is new and empty, and locking it blocks nobody).
 *
 * @param name    the qualified name
 * @param facts   the live table, empty when the source has no such relation
 * @param created whether an earlier statement of the same script created it
 */
record Target(QualifiedName name, Optional<SchemaFacts.Table> facts, boolean created) {

    Target {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(facts, "facts");
    }

    /** Whether the table exists on the source and may hold rows the application uses. */
    boolean live() {
        return !created;
    }

    /** Whether the table is partitioned, so its rows live in its partitions. */
    boolean partitioned() {
        return facts.map(t -> t.kind() == SchemaFacts.RelationKind.PARTITIONED_TABLE).orElse(false);
    }

    Optional<SchemaFacts.Column> column(String column) {
        return facts.flatMap(t -> t.column(column));
    }

    @Override
    public String toString() {
        return name.toString();
    }
}
