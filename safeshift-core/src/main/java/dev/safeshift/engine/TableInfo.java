package dev.safeshift.engine;

import dev.safeshift.plan.QualifiedName;
import java.util.List;
import java.util.Objects;

/**
 * What the engine learned about a source table. {@code columns} is restricted to the plan's
 * column list when it has one; {@code primaryKey} lists key columns in key order.
 * {@code definition} holds the rest of the table's definition, for the engine that reads it.
 */
public record TableInfo(
        QualifiedName name,
        List<ColumnInfo> columns,
        List<String> primaryKey,
        long estimatedRows,
        long sizeBytes,
        List<String> secondaryIndexes,
        TableDefinition definition) {

    public TableInfo {
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
        secondaryIndexes = List.copyOf(secondaryIndexes);
        Objects.requireNonNull(definition, "definition");
    }

    /** A table known by its columns and key only. */
    public TableInfo(QualifiedName name, List<ColumnInfo> columns, List<String> primaryKey, long estimatedRows,
                     long sizeBytes, List<String> secondaryIndexes) {
        this(name, columns, primaryKey, estimatedRows, sizeBytes, secondaryIndexes, TableDefinition.NONE);
    }

    public List<String> columnNames() {
        return columns.stream().map(ColumnInfo::name).toList();
    }

    /** The columns whose values are copied and streamed: all but generated ones, which the target computes. */
    public List<ColumnInfo> writtenColumns() {
        return columns.stream().filter(c -> !c.generated()).toList();
    }

    public ColumnInfo column(String columnName) {
        return columns.stream().filter(c -> c.name().equals(columnName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no column " + columnName + " in " + name));
    }
}
