package dev.safeshift.cli.demo;

import dev.safeshift.jdbc.Connections;
import dev.safeshift.plan.Endpoint;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Compares two PostgreSQL tables by fetching both in primary-key order and comparing each row's
 * full text form. Slow but leaves no room for doubt; it is the demo's and the tests' proof.
 */
public final class RowByRow {

    /** What a comparison found; {@code differences} holds up to ten examples. */
    public record Result(long sourceRows, long targetRows, long differing, List<String> differences) {

        public boolean identical() {
            return differing == 0 && sourceRows == targetRows;
        }
    }

    private RowByRow() {
    }

    public static Result compare(Endpoint source, String sourceTable, Endpoint target, String targetTable,
                                 String orderBy) throws SQLException {
        try (Connection from = Connections.open(source, "source"); Connection to = Connections.open(target, "target")) {
            from.setAutoCommit(false);
            to.setAutoCommit(false);
            try (Statement left = from.createStatement(); Statement right = to.createStatement()) {
                left.setFetchSize(10_000);
                right.setFetchSize(10_000);
                // The alias must not be a column name, or "alias::text" would read that column.
                String query = "SELECT safeshift_row::text FROM %s AS safeshift_row ORDER BY " + orderBy;
                try (ResultSet a = left.executeQuery(query.formatted(sourceTable));
                     ResultSet b = right.executeQuery(query.formatted(targetTable))) {
                    return walk(a, b);
                }
            }
        }
    }

    private static Result walk(ResultSet a, ResultSet b) throws SQLException {
        long sourceRows = 0;
        long targetRows = 0;
        long differing = 0;
        List<String> examples = new ArrayList<>();
        boolean hasA = a.next();
        boolean hasB = b.next();
        while (hasA || hasB) {
            String left = hasA ? a.getString(1) : null;
            String right = hasB ? b.getString(1) : null;
            if (hasA) {
                sourceRows++;
            }
            if (hasB) {
                targetRows++;
            }
            if (hasA != hasB || !Objects.equals(left, right)) {
                differing++;
                if (examples.size() < 10) {
                    examples.add("source " + left + "  target " + right);
                }
            }
            hasA = hasA && a.next();
            hasB = hasB && b.next();
        }
        return new Result(sourceRows, targetRows, differing, examples);
    }
}
