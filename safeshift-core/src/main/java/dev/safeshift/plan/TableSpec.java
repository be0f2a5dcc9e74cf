package dev.safeshift.plan;

import java.util.List;
import java.util.Objects;

/**
 * One table to move. {@code columns} empty means every column of the source table. Names are
 * exact (see {@link QualifiedName}): unquoted names in the plan have been folded already.
 *
 * @param existingRows what a fresh migration does with rows already in the target table
 */
public record TableSpec(QualifiedName source, QualifiedName target, List<String> columns, ExistingRows existingRows) {

    public TableSpec {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(existingRows, "existingRows");
        columns = List.copyOf(columns);
    }

    /** A table whose existing target rows are refused, the plan's default. */
    public TableSpec(QualifiedName source, QualifiedName target, List<String> columns) {
        this(source, target, columns, ExistingRows.REFUSE);
    }
}
