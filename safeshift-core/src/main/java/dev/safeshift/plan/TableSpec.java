package dev.safeshift.plan;

import java.util.List;

/**
 * One table to move. {@code columns} empty means every column of the source table.
 * Names are as the user wrote them (unquoted identifiers are folded by the engine).
 */
public record TableSpec(QualifiedName source, QualifiedName target, List<String> columns) {

    public TableSpec {
        columns = List.copyOf(columns);
    }
}
