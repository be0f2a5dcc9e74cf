package dev.safeshift.postgres.stream;

import dev.safeshift.SafeshiftException;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.postgres.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Refuses, before anything is copied, a source table the change stream could not follow:
 * <ul>
 *   <li>one whose column names Debezium's decoder takes for the same name (see {@link DebeziumNames});
 *       the decoder reads every column the log sends, so a plan's column list does not help;</li>
 *   <li>one whose schema or table name holds a double quote: Debezium quotes each part of the name
 *       without doubling quotes inside it, and then cannot read the name back.</li>
 * </ul>
 */
public final class StreamableNames {

    /** Columns pgoutput sends: every live column but generated ones. */
    private static final String SENT_COLUMNS = """
            SELECT a.attname FROM pg_attribute a
             WHERE a.attrelid = format('%I.%I', ?, ?)::regclass AND a.attnum > 0 AND NOT a.attisdropped
               AND a.attgenerated = ''
             ORDER BY a.attnum""";

    private StreamableNames() {
    }

    public static void refuseUnstreamable(Connection source, QualifiedName table) throws SQLException {
        if (table.schema().contains("\"") || table.name().contains("\"")) {
            throw new SafeshiftException(SafeshiftException.Kind.UNSUPPORTED_TABLE, "the source table " + table
                    + " has a double quote in its name, which the change stream (Debezium) cannot read back. Rename it "
                    + "on the source (ALTER TABLE " + Sql.table(table) + " RENAME TO ...), then run again.");
        }
        List<String> columns = new ArrayList<>();
        try (PreparedStatement statement = source.prepareStatement(SENT_COLUMNS)) {
            statement.setString(1, table.schema());
            statement.setString(2, table.name());
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    columns.add(rows.getString(1));
                }
            }
        }
        List<List<String>> collisions = DebeziumNames.caseCollisions(columns);
        if (!collisions.isEmpty()) {
            throw indistinguishable(table, collisions);
        }
    }

    static SafeshiftException indistinguishable(QualifiedName table, List<List<String>> collisions) {
        String groups = collisions.stream()
                .map(group -> group.stream().map(Sql::ident).collect(Collectors.joining(" and ")))
                .collect(Collectors.joining("; "));
        String first = collisions.get(0).get(0);
        return new SafeshiftException(SafeshiftException.Kind.UNSUPPORTED_TABLE, "the source table " + table
                + " has columns whose names differ only in case or in quote characters: " + groups + ". The change "
                + "stream (Debezium's pgoutput decoder) cannot tell such columns apart, for every column of the table, "
                + "even one the plan leaves out. Rename one of each pair on the source (ALTER TABLE " + Sql.table(table)
                + " RENAME COLUMN " + Sql.ident(first) + " TO ...), then run again.");
    }
}
