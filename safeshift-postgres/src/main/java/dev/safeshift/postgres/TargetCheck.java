package dev.safeshift.postgres;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.ColumnInfo;
import dev.safeshift.engine.TableInfo;
import dev.safeshift.engine.TableMove;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the target must offer before anything is created there: the extensions, collations, types
 * and sequences the table needs, and, for a table that exists already, the same definition.
 */
final class TargetCheck {

    private TargetCheck() {
    }

    /** Extensions, collations, types and sequences named by the definition must exist on the target. */
    static void requirements(Connection target, TableMove move, SourceDefinition definition) throws SQLException {
        List<String> missing = new ArrayList<>();
        List<String> fixes = new ArrayList<>();
        for (Map.Entry<String, String> extension : definition.extensions().entrySet()) {
            String schema = Catalog.text(target, "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
                    + "ON n.oid = e.extnamespace WHERE e.extname = ?", extension.getKey());
            if (schema == null) {
                missing.add("the extension " + extension.getKey());
                fixes.add("CREATE EXTENSION " + Sql.ident(extension.getKey()) + " SCHEMA "
                        + Sql.ident(extension.getValue()) + ";");
            } else if (!schema.equals(extension.getValue())) {
                missing.add("the extension " + extension.getKey() + " in schema " + extension.getValue()
                        + " (the target has it in schema " + schema + ")");
                fixes.add("ALTER EXTENSION " + Sql.ident(extension.getKey()) + " SET SCHEMA "
                        + Sql.ident(extension.getValue()) + ";");
            }
        }
        for (ColumnInfo column : move.source().columns()) {
            if (column.collation() != null && !collationExists(target, column.collation())) {
                missing.add("the collation " + column.collation() + " (column " + Sql.ident(column.name()) + ")");
                fixes.add("CREATE COLLATION " + column.collation() + " (...);");
            }
        }
        for (String type : definition.requiredTypes()) {
            String name = type.replaceFirst(" \\(.*\\)$", "");
            if (Catalog.text(target, "SELECT to_regtype(?)::text", name) == null) {
                missing.add("the type " + type);
                fixes.add("CREATE TYPE " + name + " ...;");
            }
        }
        for (String sequence : definition.requiredSequences()) {
            if (Catalog.text(target, "SELECT to_regclass(?)::text", sequence) == null) {
                missing.add("the sequence " + sequence + " (a column default uses it)");
                fixes.add("CREATE SEQUENCE " + sequence + ";");
            }
        }
        if (!missing.isEmpty()) {
            throw new SafeshiftException(SafeshiftException.Kind.TARGET_CONFLICT,
                    "the target database lacks what " + move.target() + " needs: " + String.join("; ", missing)
                            + ". Nothing was created. Create them on the target (as a user allowed to), then run "
                            + "again: " + String.join(" ", fixes));
        }
    }

    private static boolean collationExists(Connection target, String qualified) throws SQLException {
        return Catalog.text(target, """
                SELECT 1 FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace
                 WHERE quote_ident(n.nspname) || '.' || quote_ident(c.collname) = ?
                   AND c.collencoding IN (-1, (SELECT encoding FROM pg_database WHERE datname = current_database()))""",
                qualified) != null;
    }

    /**
     * An existing target table must have exactly the moved columns, with the same types (and
     * modifiers), collations, nullability, identity and generation, and the same primary key, unless
     * {@code keyPending}: Safeshift created it and builds the key after the copy ({@link PendingKeys}).
     * Every difference is listed.
     */
    static void sameDefinition(TableMove move, TableInfo existing, boolean keyPending) {
        List<String> differences = new ArrayList<>();
        for (ColumnInfo wanted : move.source().columns()) {
            ColumnInfo found = existing.columns().stream().filter(c -> c.name().equals(wanted.name())).findFirst()
                    .orElse(null);
            String column = "column " + Sql.ident(wanted.name());
            if (found == null) {
                differences.add(column + " " + wanted.type() + " is missing");
                continue;
            }
            if (!found.type().equals(wanted.type())) {
                differences.add(column + " is " + found.type() + ", the source has " + wanted.type());
            }
            if (!Objects.equals(found.collation(), wanted.collation())) {
                differences.add(column + " has " + collation(found) + ", the source has " + collation(wanted));
            }
            if (found.nullable() != wanted.nullable()) {
                differences.add(column + " is " + (found.nullable() ? "nullable" : "NOT NULL") + ", the source's is "
                        + (wanted.nullable() ? "nullable" : "NOT NULL"));
            }
            if (found.identity() != wanted.identity()) {
                differences.add(column + " is " + identity(found) + ", the source's is " + identity(wanted));
            }
            if (found.generated() != wanted.generated()) {
                differences.add(column + " is " + (found.generated() ? "" : "not ") + "generated, the source's is "
                        + (wanted.generated() ? "generated" : "not"));
            }
        }
        for (ColumnInfo extra : existing.columns()) {
            if (move.source().columns().stream().noneMatch(c -> c.name().equals(extra.name()))) {
                differences.add("column " + Sql.ident(extra.name()) + " " + extra.type()
                        + " is not among the columns moved from the source");
            }
        }
        if (!keyPending && !existing.primaryKey().equals(move.source().primaryKey())) {
            differences.add("the primary key is (" + String.join(", ", existing.primaryKey()) + "), the source's is ("
                    + String.join(", ", move.source().primaryKey()) + ")");
        }
        if (!differences.isEmpty()) {
            throw new SafeshiftException(SafeshiftException.Kind.TARGET_CONFLICT,
                    "the target table " + move.target() + " already exists with a different definition:\n  - "
                            + String.join("\n  - ", differences) + "\nDrop or rename it so Safeshift can create it, "
                            + "change it to match, or point tables[].target at another name.");
        }
    }

    private static String collation(ColumnInfo column) {
        return column.collation() == null ? "its type's default collation" : "COLLATE " + column.collation();
    }

    private static String identity(ColumnInfo column) {
        return switch (column.identity()) {
            case ALWAYS -> "GENERATED ALWAYS AS IDENTITY";
            case BY_DEFAULT -> "GENERATED BY DEFAULT AS IDENTITY";
            case NONE -> "not an identity column";
        };
    }

    /** Refuses a fresh migration into a table that holds rows, unless they may be replaced. */
    static boolean holdsRows(Connection target, TableMove move) throws SQLException {
        return Catalog.text(target, "SELECT 1 FROM " + Sql.table(move.target()) + " LIMIT 1") != null;
    }

    static SafeshiftException notEmpty(TableMove move) {
        return new SafeshiftException(SafeshiftException.Kind.TARGET_CONFLICT,
                "the target table " + move.target() + " already holds rows, and this migration has not copied anything "
                        + "yet: they are not Safeshift's, and the backfill would mix the source's rows with them. "
                        + "Empty it (TRUNCATE " + Sql.table(move.target()) + "), drop it, point tables[].target at "
                        + "another name, or, if those rows may go, set existing-rows: replace on the table in the plan.");
    }
}
