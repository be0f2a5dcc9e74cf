package dev.safeshift.postgres;

import dev.safeshift.engine.KeyRange;
import dev.safeshift.engine.TableInfo;
import java.util.ArrayList;
import java.util.List;

/** Renders a primary-key range as a WHERE condition, comparing keys as row values. */
final class KeyRanges {

    private KeyRanges() {
    }

    /** The condition selecting {@code range} of {@code table}, or {@code TRUE} for the whole table. */
    static String condition(TableInfo table, KeyRange range) {
        List<String> parts = new ArrayList<>();
        range.lower().ifPresent(bound -> parts.add(key(table) + " >= " + values(table, bound)));
        range.upper().ifPresent(bound -> parts.add(key(table) + " < " + values(table, bound)));
        return parts.isEmpty() ? "TRUE" : String.join(" AND ", parts);
    }

    /** The key as one comparable SQL value: the column, or a row of the columns. */
    static String key(TableInfo table) {
        String columns = Sql.columns(table.primaryKey());
        return table.primaryKey().size() == 1 ? columns : "(" + columns + ")";
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
