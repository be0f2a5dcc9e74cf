package dev.safeshift.postgres;

import dev.safeshift.engine.ColumnInfo;
import dev.safeshift.engine.TableInfo;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The SQL that hashes rows and prints them for comparison, PostgreSQL to PostgreSQL. Two values
 * that are equal by design must hash and print alike, and two that differ must not; the table of
 * rules is in docs/verification.md. The hash decides which keys are suspect; the printed values
 * (with the session settings of {@link ComparerConnections}: UTC, ISO dates, hex bytea, shortest
 * exact floats) decide whether a suspect still differs and are what a report shows.
 */
final class RowNormalizer {

    private RowNormalizer() {
    }

    /** The normalized value of one column, as an SQL expression of the column's own row. */
    static String value(ColumnInfo column) {
        String ref = Sql.ident(column.name());
        String type = column.type().toLowerCase(Locale.ROOT);
        if (type.endsWith("[]")) {
            return ref; // arrays compare by their text form, element by element as the element type prints
        }
        if (type.startsWith("numeric")) {
            return "trim_scale(" + ref + ")"; // 1.0 and 1.00 are the same amount
        }
        if (type.startsWith("character(") || type.equals("character") || type.equals("bpchar")) {
            return ref + "::text"; // padding is not data: 'ab ' in char(3) is 'ab'
        }
        if (type.equals("double precision") || type.equals("real")) {
            return "(CASE WHEN " + ref + " = 0 THEN 0 ELSE " + ref + " END)"; // -0.0 is 0; NaN equals NaN
        }
        if (type.equals("json")) {
            return ref + "::jsonb"; // key order and white space are not data
        }
        if (type.equals("money")) {
            return ref + "::numeric"; // independent of lc_monetary
        }
        return ref;
    }

    /**
     * The row's 64-bit hash: PostgreSQL's own record hash, which hashes each column with its
     * type's hash function. Those agree with the type's equality, so values that are equal by
     * design (1.0 and 1.00, -0.0 and 0, 'ab' and 'ab   ' in char(n), jsonb with keys in another
     * order, one instant in two time zones) hash alike, and no value is turned into text.
     *
     * @param wholeRow whether to hash the stored row as it is (possible when the table's columns are
     *                 exactly the compared ones and none needs a cast), which saves building a row
     * @param alias    the alias the query gives the table
     */
    static String rowHash(TableInfo table, boolean wholeRow, String alias) {
        if (wholeRow) {
            return "hash_record_extended(" + alias + ".*, 0)";
        }
        return "hash_record_extended(ROW(" + table.columns().stream().map(RowNormalizer::hashInput)
                .collect(Collectors.joining(", ")) + "), 0)";
    }

    /** Whether a column can be hashed as stored (its type has a hash function). */
    static boolean hashableAsIs(ColumnInfo column) {
        return hashInput(column).equals(Sql.ident(column.name()));
    }

    /** The column as the record hash takes it: as stored, or cast to a type that has a hash function. */
    static String hashInput(ColumnInfo column) {
        String ref = Sql.ident(column.name());
        String type = column.type().toLowerCase(Locale.ROOT);
        boolean array = type.endsWith("[]");
        String base = array ? type.substring(0, type.indexOf('[')) : type;
        String suffix = array ? "[]" : "";
        if (base.equals("json")) {
            return ref + "::jsonb" + suffix;
        }
        if (base.equals("money")) {
            return ref + "::numeric" + suffix;
        }
        if (HASHABLE.stream().anyMatch(base::startsWith)) {
            return ref;
        }
        return ref + "::text"; // a type without a hash function compares by its text form
    }

    /** Type names (as format_type prints them) whose values hash consistently with their equality. */
    private static final List<String> HASHABLE = List.of("smallint", "integer", "bigint", "numeric", "text",
            "character", "boolean", "timestamp", "date", "time", "uuid", "jsonb", "bytea", "double precision",
            "real", "interval", "inet", "cidr", "macaddr", "oid");

    /** Each column's normalized value as text, in table order. */
    static String columnTexts(TableInfo table) {
        return table.columns().stream().map(c -> "(" + value(c) + ")::text")
                .collect(Collectors.joining(", "));
    }

    /** The key columns' normalized text, in key order. */
    static String keyTexts(TableInfo table) {
        List<String> key = table.primaryKey();
        return key.stream().map(name -> "(" + value(table.column(name)) + ")::text AS safeshift_key_" + key.indexOf(name))
                .collect(Collectors.joining(", "));
    }
}
