package dev.safeshift.postgres;

import dev.safeshift.engine.ColumnInfo;
import dev.safeshift.engine.SchemaChange;
import dev.safeshift.engine.SchemaChange.NewColumn;
import dev.safeshift.engine.SchemaChange.Retyped;
import dev.safeshift.engine.TableInfo;
import dev.safeshift.engine.TableMove;
import dev.safeshift.plan.QualifiedName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Schema changes of a source table, PostgreSQL's side: what the catalog says about its columns now,
 * how that differs from a move (as a change record shows it, or as the target table has it), which
 * new columns the target can be given exactly, and the statements that apply them.
 *
 * <p>A new column can be added to the target by Safeshift when every existing row got the same value
 * on the source that the target gives its existing rows: no default (NULL), or a default that is a
 * constant. A default computed by an expression ({@code now()}, {@code random()}, a sequence) gave the
 * source's rows values the target cannot reproduce, so the daemon stops and says so instead.
 */
public final class SchemaChanges {

    /** A constant: a literal (string, number, boolean, NULL), possibly with casts, as pg_get_expr prints it. */
    private static final Pattern CONSTANT = Pattern.compile(
            "^\\(*(?:'(?:[^']|'')*'|-?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?|true|false|NULL)\\)*"
                    + "(?:::[A-Za-z_\"][A-Za-z0-9_ .\"]*(?:\\(\\d+(?:,\\s*\\d+)?\\))?(?:\\[\\])*)*$");

    private static final String COLUMNS = """
            SELECT a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid),
                   CASE WHEN a.attcollation <> t.typcollation THEN quote_ident(cn.nspname) || '.' || quote_ident(c.collname) END,
                   a.attgenerated <> '', a.attidentity <> '',
                   CASE WHEN t.typcategory = 'A' THEN e.typname ELSE t.typname END
              FROM pg_attribute a
              JOIN pg_type t ON t.oid = a.atttypid
              LEFT JOIN pg_type e ON e.oid = t.typelem
              LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
              LEFT JOIN pg_collation c ON c.oid = a.attcollation
              LEFT JOIN pg_namespace cn ON cn.oid = c.collnamespace
             WHERE a.attrelid = format('%I.%I', ?, ?)::regclass AND a.attnum > 0 AND NOT a.attisdropped
             ORDER BY a.attnum""";

    private SchemaChanges() {
    }

    /**
     * A source column as the catalog has it now.
     *
     * @param number its attribute number: a column added later always gets a higher one
     */
    public record SourceColumn(int number, String name, String type, boolean notNull, String defaultExpression,
                               String collation, boolean generated, boolean identity, String baseType) {

        /** As ALTER TABLE ... ADD COLUMN takes it: type, collation, default, NOT NULL. */
        String definition() {
            return type + (collation == null ? "" : " COLLATE " + collation)
                    + (defaultExpression == null ? "" : " DEFAULT " + defaultExpression) + (notNull ? " NOT NULL" : "");
        }

        /** Why the target cannot be given this column with the values the source's rows have, if it cannot. */
        Optional<String> notAutomatic() {
            if (generated) {
                return Optional.of("it is a generated column, whose expression Safeshift does not add to the target by itself");
            }
            if (identity) {
                return Optional.of("it is an identity column: the source numbered its existing rows, and the target "
                        + "would number them differently");
            }
            if (defaultExpression != null && !CONSTANT.matcher(defaultExpression).matches()) {
                return Optional.of("its default " + defaultExpression + " is computed, so the source's existing rows "
                        + "got values the target cannot reproduce");
            }
            if (notNull && defaultExpression == null) {
                return Optional.of("it is NOT NULL without a default, so the source's existing rows were given values "
                        + "the target does not know");
            }
            return Optional.empty();
        }
    }

    /** The table's columns, with what a definition needs. */
    public static List<SourceColumn> read(Connection source, QualifiedName table) throws SQLException {
        // types printed schema-qualified, as the table's description prints them
        return Catalog.qualified(source, () -> readColumns(source, table));
    }

    private static List<SourceColumn> readColumns(Connection source, QualifiedName table) throws SQLException {
        List<SourceColumn> columns = new ArrayList<>();
        try (PreparedStatement statement = source.prepareStatement(COLUMNS)) {
            statement.setString(1, table.schema());
            statement.setString(2, table.name());
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    columns.add(new SourceColumn(rows.getInt(1), rows.getString(2), rows.getString(3), rows.getBoolean(4),
                            rows.getString(5), rows.getString(6), rows.getBoolean(7), rows.getBoolean(8), rows.getString(9)));
                }
            }
        }
        return columns;
    }

    /**
     * What a change record shows about the source table, or empty when the move explains it.
     *
     * @param carried   the move's columns the record carries
     * @param absent    the move's columns it does not carry: dropped from the source, or added after the
     *                  record was written (then the record is applied without them)
     * @param newOnSource columns the record carries that the move lacks and the source has: added
     *                  (unless the plan lists the moved columns)
     * @param now       the source table's columns now
     */
    public static Optional<SchemaChange> forRecord(TableMove move, Collection<String> carried, Collection<String> absent,
                                                   Collection<String> newOnSource, List<SourceColumn> now) {
        Map<String, SourceColumn> byName = byName(now);
        List<NewColumn> added = new ArrayList<>();
        if (!move.columnsListed()) {
            for (String name : newOnSource) {
                SourceColumn column = byName.get(name);
                added.add(new NewColumn(name, column.definition(), column.notAutomatic()));
            }
        }
        List<String> dropped = absent.stream().filter(name -> !byName.containsKey(name)).toList();
        List<Retyped> retyped = new ArrayList<>();
        for (String name : carried) {
            SourceColumn column = byName.get(name);
            String moved = move.source().column(name).type();
            if (column != null && !column.type().equals(moved)) {
                retyped.add(new Retyped(name, moved, column.type()));
            }
        }
        return change(move, added, dropped, retyped, Optional.empty());
    }

    /**
     * How the source table, as {@code move} describes it now, differs from the target table. When it
     * does, the change carries the move as the target has it, to stream with until the first change
     * that shows the new columns.
     */
    static Optional<SchemaChange> forTarget(TableMove move, TableInfo target, List<SourceColumn> now) {
        Map<String, SourceColumn> byName = byName(now);
        Map<String, ColumnInfo> targetColumns = new LinkedHashMap<>();
        target.columns().forEach(column -> targetColumns.put(column.name(), column));
        List<NewColumn> added = new ArrayList<>();
        List<Retyped> retyped = new ArrayList<>();
        for (ColumnInfo column : move.source().columns()) {
            ColumnInfo there = targetColumns.get(column.name());
            if (there == null) {
                SourceColumn source = byName.get(column.name());
                added.add(new NewColumn(column.name(), source.definition(), source.notAutomatic()));
            } else if (!there.type().equals(column.type())) {
                retyped.add(new Retyped(column.name(), there.type(), column.type()));
            }
        }
        List<String> dropped = targetColumns.keySet().stream()
                .filter(name -> move.source().columns().stream().noneMatch(c -> c.name().equals(name))).toList();
        TableInfo shape = new TableInfo(move.source().name(), target.columns(), move.source().primaryKey(),
                move.source().estimatedRows(), move.source().sizeBytes(), move.source().secondaryIndexes());
        return change(move, added, dropped, retyped, Optional.of(new TableMove(shape, move.target(), move.columnsListed())));
    }

    /** Adds the new columns to the target table, in one transaction. */
    static void apply(Connection target, SchemaChange change) throws SQLException {
        List<String> statements = new ArrayList<>();
        for (NewColumn column : change.added()) {
            statements.add("ALTER TABLE " + Sql.table(change.move().target()) + " ADD COLUMN "
                    + Sql.ident(column.name()) + " " + column.definition());
        }
        Catalog.executeAll(target, statements);
    }

    private static Optional<SchemaChange> change(TableMove move, List<NewColumn> added, List<String> dropped,
                                                 List<Retyped> retyped, Optional<TableMove> targetShape) {
        if (added.isEmpty() && dropped.isEmpty() && retyped.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SchemaChange(move, added, dropped, retyped, remedy(move, added, dropped, retyped),
                targetShape));
    }

    /** The statements that bring the target in step, and what to run then. */
    static String remedy(TableMove move, List<NewColumn> added, List<String> dropped, List<Retyped> retyped) {
        String table = Sql.table(move.target());
        List<String> steps = new ArrayList<>();
        for (NewColumn column : added) {
            if (column.notAutomatic().isPresent()) {
                steps.add("add " + Sql.ident(column.name()) + " to the target and give its existing rows the source's "
                        + "values (ALTER TABLE " + table + " ADD COLUMN " + Sql.ident(column.name()) + " "
                        + withoutDefault(column.definition()) + ", then fill it from the source by primary key)");
            }
        }
        if (!dropped.isEmpty() && move.columnsListed()) {
            steps.add("the plan lists " + String.join(", ", dropped.stream().map(Sql::ident).toList()) + ", and a "
                    + "migration's plan cannot change once started: give this migration up with safeshift abort and start "
                    + "it again with a plan without " + (dropped.size() == 1 ? "it" : "them")
                    + ", or put the column back on the source");
        } else {
            for (String column : dropped) {
                steps.add("drop " + Sql.ident(column) + " on the target too (ALTER TABLE " + table + " DROP COLUMN "
                        + Sql.ident(column) + ")" + (added.isEmpty() ? "" : ", or, if it was renamed, rename it the same way"
                        + " (ALTER TABLE " + table + " RENAME COLUMN " + Sql.ident(column) + " TO ...)"));
            }
        }
        for (Retyped column : retyped) {
            steps.add("change its type on the target too (ALTER TABLE " + table + " ALTER COLUMN " + Sql.ident(column.name())
                    + " TYPE " + column.to() + ")");
        }
        return String.join("; ", steps) + "; then run safeshift run again: streaming resumes from the last applied change.";
    }

    /** The definition for a column that is filled by hand: the computed default is for new rows only. */
    private static String withoutDefault(String definition) {
        int at = definition.indexOf(" DEFAULT ");
        return at < 0 ? definition.replace(" NOT NULL", "") : definition.substring(0, at);
    }

    private static Map<String, SourceColumn> byName(List<SourceColumn> columns) {
        Map<String, SourceColumn> byName = new LinkedHashMap<>();
        columns.forEach(column -> byName.put(column.name(), column));
        return byName;
    }
}
