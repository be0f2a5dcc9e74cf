package dev.safeshift.engine;

import dev.safeshift.plan.QualifiedName;
import java.util.List;

/**
 * What the engine learned about a source table. {@code columns} is restricted to the plan's
 * column list when it has one; {@code primaryKey} lists key columns in key order.
 */
public record TableInfo(
        QualifiedName name,
        List<ColumnInfo> columns,
        List<String> primaryKey,
        long estimatedRows,
        long sizeBytes,
        List<String> secondaryIndexes) {

    public TableInfo {
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
        secondaryIndexes = List.copyOf(secondaryIndexes);
    }

    public List<String> columnNames() {
        return columns.stream().map(ColumnInfo::name).toList();
    }

    public ColumnInfo column(String columnName) {
        return columns.stream().filter(c -> c.name().equals(columnName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no column " + columnName + " in " + name));
    }
}
