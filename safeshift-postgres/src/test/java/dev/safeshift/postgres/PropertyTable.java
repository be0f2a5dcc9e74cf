package dev.safeshift.postgres;

import java.util.ArrayList;
import java.util.List;

/**
 * A table of {@link VerifierPropertyIT}: two columns (a_ and b_) of every type of
 * {@link PropertyTypes}, row g keyed by id = 2g (and, in the table with a composite key, a tenant
 * of its own), so that a row can be added between two others. What each row holds is known here,
 * so that the test knows which changes really change a value.
 */
final class PropertyTable {

    /** Rows where a column is NULL: g % 41 == the column's index % 41. */
    private static final int NULL_EVERY = 41;
    /** Rows where a column holds a special value: g % 37 == the column's index % 37. */
    private static final int SPECIAL_EVERY = 37;
    /** The b_ column of a row is made from g + this, so that a row's a_ and b_ values differ. */
    static final long B_OFFSET = 500_001;

    /** One column: its name, type, and whether it is the b_ one. */
    record Column(String name, PropertyTypes.Type type, boolean second, int index) {

        long x(long g) {
            return second ? g + B_OFFSET : g;
        }
    }

    final String name;
    final boolean compositeKey;
    final int rows;
    final List<Column> columns = new ArrayList<>();

    PropertyTable(String name, boolean compositeKey, int rows) {
        this.name = name;
        this.compositeKey = compositeKey;
        this.rows = rows;
        for (PropertyTypes.Type type : PropertyTypes.all()) {
            columns.add(new Column("a_" + type.id(), type, false, columns.size()));
            columns.add(new Column("b_" + type.id(), type, true, columns.size()));
        }
    }

    /** The key columns, in key order. */
    List<String> key() {
        return compositeKey ? List.of("tenant", "id") : List.of("id");
    }

    /** Every column name in table order. */
    List<String> columnNames() {
        List<String> names = new ArrayList<>(key());
        columns.forEach(column -> names.add(column.name()));
        return names;
    }

    /** Rows that sit next to each other in key order are this many g apart. */
    int neighbour() {
        return compositeKey ? 5 : 1;
    }

    String create() {
        StringBuilder sql = new StringBuilder("CREATE TABLE " + name + " (");
        sql.append(compositeKey ? "tenant text, id bigint" : "id bigint");
        for (Column column : columns) {
            sql.append(", ").append(column.name()).append(' ').append(column.type().sql());
        }
        return sql.append(", PRIMARY KEY (").append(String.join(", ", key())).append("))").toString();
    }

    String fill() {
        StringBuilder sql = new StringBuilder("INSERT INTO " + name + " SELECT ");
        sql.append(compositeKey ? "'t' || (g % 5), 2 * g" : "2 * g");
        for (Column column : columns) {
            sql.append(", ").append(generated(column));
        }
        return sql.append(" FROM generate_series(1, ").append(rows).append(") AS g").toString();
    }

    private static String generated(Column column) {
        PropertyTypes.Type type = column.type();
        String x = column.second() ? "(g + " + B_OFFSET + ")" : "g";
        StringBuilder sql = new StringBuilder("CASE WHEN g % " + NULL_EVERY + " = " + column.index() % NULL_EVERY + " THEN NULL");
        if (!type.specials().isEmpty()) {
            sql.append(" WHEN g % " + SPECIAL_EVERY + " = " + column.index() % SPECIAL_EVERY + " THEN CASE (g / "
                    + SPECIAL_EVERY + ") % " + type.specials().size());
            for (int i = 0; i < type.specials().size(); i++) {
                sql.append(" WHEN ").append(i).append(" THEN ").append(type.specials().get(i));
            }
            sql.append(" END");
        }
        return sql.append(" ELSE ").append(type.gen().replace("{x}", x)).append(" END").toString();
    }

    /** What the source holds in {@code column} of row g: "null", "s" + special index, or a value token. */
    String token(Column column, long g) {
        if (g % NULL_EVERY == column.index() % NULL_EVERY) {
            return "null";
        }
        if (!column.type().specials().isEmpty() && g % SPECIAL_EVERY == column.index() % SPECIAL_EVERY) {
            return column.type().specialToken((int) ((g / SPECIAL_EVERY) % column.type().specials().size()));
        }
        return column.type().token(column.x(g));
    }

    /** Whether row g's value in {@code column} is made by gen (not NULL, not special). */
    boolean generated(Column column, long g) {
        return token(column, g).startsWith("v");
    }

    /** The key of row g, as the verifier prints it. */
    List<String> key(long g) {
        return compositeKey ? List.of("t" + g % 5, Long.toString(2 * g)) : List.of(Long.toString(2 * g));
    }

    /** The condition selecting row g by its whole key, so that its index finds it. */
    String where(long g) {
        return compositeKey ? "tenant = 't" + g % 5 + "' AND id = " + 2 * g : "id = " + 2 * g;
    }

    /** The key of the row added just after row g (its id is odd: no source row has it). */
    List<String> addedKey(long g) {
        return compositeKey ? List.of("t" + g % 5, Long.toString(2 * g + 1)) : List.of(Long.toString(2 * g + 1));
    }
}
