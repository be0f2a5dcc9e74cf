package dev.safeshift.postgres;

import dev.safeshift.engine.ColumnInfo;
import dev.safeshift.engine.TableInfo;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The SQL that turns a row into the normalized text both sides hash, PostgreSQL to PostgreSQL.
 * Two values that mean the same must give the same text, and two that differ must not; the table
 * of rules is in docs/verification.md. Together with the session settings of
 * {@link ComparerConnections} (UTC, ISO dates, hex bytea, shortest exact floats) this is the
 * whole normalization; both the checksums and the rows shown side by side use it, so a reported
 * difference is always one the checksum saw.
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

    /** The whole row as one text value; NULL and '' stay apart (record output quotes ''). */
    static String rowText(TableInfo table) {
        return "ROW(" + table.columns().stream().map(RowNormalizer::value).collect(Collectors.joining(", ")) + ")::text";
    }

    /** The row's 64-bit hash. Both sides are PostgreSQL, so its own extended text hash serves. */
    static String rowHash(TableInfo table) {
        return "hashtextextended(" + rowText(table) + ", 0)";
    }

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
