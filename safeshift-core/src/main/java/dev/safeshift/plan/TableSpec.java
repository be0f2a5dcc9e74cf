package dev.safeshift.plan;

import java.util.List;

/**
 * One table to move. {@code columns} empty means every column of the source table. Names are
 * exact (see {@link QualifiedName}): unquoted names in the plan have been folded already.
 */
public record TableSpec(QualifiedName source, QualifiedName target, List<String> columns) {

    public TableSpec {
        columns = List.copyOf(columns);
    }
}
