package dev.safeshift.verify;

import java.util.List;
import java.util.Optional;

/**
 * One primary key whose row differs between source and target, with both rows as normalized
 * column text (empty when the row is absent on that side; a NULL column is a null entry).
 *
 * @param columns          column names, in table order
 * @param differingColumns the columns whose normalized values differ (all of them when a row is missing)
 */
public record RowDifference(
        Kind kind,
        List<String> key,
        List<String> columns,
        Optional<List<String>> sourceRow,
        Optional<List<String>> targetRow,
        List<String> differingColumns) {

    public enum Kind { MISSING_IN_TARGET, EXTRA_IN_TARGET, DIFFERENT }

    public RowDifference {
        key = List.copyOf(key);
        columns = List.copyOf(columns);
        differingColumns = List.copyOf(differingColumns);
    }
}
