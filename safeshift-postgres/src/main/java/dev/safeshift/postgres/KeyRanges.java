package dev.safeshift.postgres;

import dev.safeshift.engine.KeyRange;
import dev.safeshift.engine.TableInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders a primary-key range as a WHERE condition, comparing keys as row values in the order of
 * a {@link KeySort}. Ranges that two sides must agree on use an explicit order on both
 * ({@link KeySort#forVerification}); the backfill, which reads ranges of the source and writes the
 * same ranges, uses each column's own.
 */
final class KeyRanges {

    private KeyRanges() {
    }

    /** The condition selecting {@code range} of {@code table}, or {@code TRUE} for the whole table. */
    static String condition(TableInfo table, KeyRange range) {
        return condition(table, KeySort.natural(table), range);
    }

    /** The condition selecting {@code range} in the order {@code sort}. */
    static String condition(TableInfo table, KeySort sort, KeyRange range) {
        List<String> parts = new ArrayList<>();
        range.lower().ifPresent(bound -> parts.add(key(table, sort) + " >= " + values(table, bound)));
        range.upper().ifPresent(bound -> parts.add(key(table, sort) + " < " + values(table, bound)));
        return parts.isEmpty() ? "TRUE" : String.join(" AND ", parts);
    }

    /** The key as one comparable SQL value, in its own order: the column, or a row of the columns. */
    static String key(TableInfo table) {
        return key(table, KeySort.natural(table));
    }

    /**
     * The key as one comparable SQL value in the order {@code sort}. The explicit collation wins
     * over the implicit one of a bound's literal, so a comparison needs none on the bound's side.
     */
    static String key(TableInfo table, KeySort sort) {
        List<String> columns = columns(table, sort);
        return columns.size() == 1 ? columns.get(0) : "(" + String.join(", ", columns) + ")";
    }

    /** The key columns, each with the collation of {@code sort}: for an ORDER BY. */
    static String orderBy(TableInfo table, KeySort sort) {
        return String.join(", ", columns(table, sort));
    }

    private static List<String> columns(TableInfo table, KeySort sort) {
        List<String> columns = new ArrayList<>();
        for (int i = 0; i < table.primaryKey().size(); i++) {
            columns.add(sort.column(Sql.ident(table.primaryKey().get(i)), i));
        }
        return columns;
    }

    /** A key value as a typed SQL literal comparable with {@link #key}. */
    static String values(TableInfo table, List<String> bound) {
        List<String> literals = new ArrayList<>();
        for (int i = 0; i < bound.size(); i++) {
            String type = table.column(table.primaryKey().get(i)).type();
            literals.add("CAST(" + Sql.literal(bound.get(i)) + " AS " + type + ")");
        }
        return literals.size() == 1 ? literals.get(0) : "(" + String.join(", ", literals) + ")";
    }

    /**
     * The key columns as text, in key order, for reading boundaries. The outputs get their own
     * names so that an ORDER BY on the key columns sorts by their real types, not as text.
     */
    static String keyAsText(TableInfo table) {
        List<String> outputs = new ArrayList<>();
        for (int i = 0; i < table.primaryKey().size(); i++) {
            outputs.add(Sql.ident(table.primaryKey().get(i)) + "::text AS safeshift_key_" + i);
        }
        return String.join(", ", outputs);
    }
}
