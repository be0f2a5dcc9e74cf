package dev.safeshift.postgres;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.ColumnInfo;
import dev.safeshift.engine.TableInfo;
import dev.safeshift.engine.TableMove;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Creates target tables the way a bulk load wants them: columns and primary key first, secondary
 * indexes only after the backfill (building an index once is far cheaper than maintaining it per row).
 */
final class TargetTables {

    private static final Pattern INDEX_DEFINITION =
            Pattern.compile("^CREATE (UNIQUE )?INDEX (\\S+) ON (ONLY )?(\\S+) (USING .*)$", Pattern.DOTALL);

    private TargetTables() {
    }

    static void prepare(Connection target, TableMove move) throws SQLException {
        if (PostgresCatalog.exists(target, move.target())) {
            checkCompatible(target, move);
            return;
        }
        TableInfo source = move.source();
        String columns = source.columns().stream()
                .map(c -> Sql.ident(c.name()) + " " + c.type() + (c.nullable() ? "" : " NOT NULL"))
                .collect(Collectors.joining(",\n  "));
        try (Statement statement = target.createStatement()) {
            statement.execute("CREATE SCHEMA IF NOT EXISTS " + Sql.ident(move.target().schema()));
            statement.execute("CREATE TABLE " + Sql.table(move.target()) + " (\n  " + columns
                    + ",\n  PRIMARY KEY (" + Sql.columns(source.primaryKey()) + "))");
        }
    }

    /** An existing target table must have exactly the moved columns, with the same types and key. */
    private static void checkCompatible(Connection target, TableMove move) throws SQLException {
        TableInfo existing = PostgresCatalog.describeAll(target, move.target(), "target");
        List<String> differences = new ArrayList<>();
        for (ColumnInfo wanted : move.source().columns()) {
            ColumnInfo found = existing.columns().stream().filter(c -> c.name().equals(wanted.name())).findFirst().orElse(null);
            if (found == null) {
                differences.add("column " + wanted.name() + " " + wanted.type() + " is missing");
            } else if (!found.type().equals(wanted.type())) {
                differences.add("column " + wanted.name() + " is " + found.type() + ", the source has " + wanted.type());
            }
        }
        for (ColumnInfo extra : existing.columns()) {
            if (move.source().columns().stream().noneMatch(c -> c.name().equals(extra.name()))) {
                differences.add("column " + extra.name() + " " + extra.type() + " is not in the source");
            }
        }
        if (!existing.primaryKey().equals(move.source().primaryKey())) {
            differences.add("primary key is (" + String.join(", ", existing.primaryKey()) + "), the source has ("
                    + String.join(", ", move.source().primaryKey()) + ")");
        }
        if (!differences.isEmpty()) {
            throw new SafeshiftException(SafeshiftException.Kind.TARGET_CONFLICT,
                    "the target table " + move.target() + " already exists with different columns: "
                            + String.join("; ", differences) + ". Drop or rename it so Safeshift can create it, "
                            + "or point tables[].target at another name.");
        }
    }

    /**
     * Builds the source's secondary indexes on the target, skipping those already there, then
     * gathers planner statistics: a freshly loaded table has none until autovacuum gets to it.
     */
    static void finish(Connection target, TableMove move) throws SQLException {
        try (Statement statement = target.createStatement()) {
            for (String definition : move.source().secondaryIndexes()) {
                Matcher matcher = INDEX_DEFINITION.matcher(definition);
                if (!matcher.matches()) {
                    continue;
                }
                String sql = "CREATE " + (matcher.group(1) == null ? "" : matcher.group(1)) + "INDEX IF NOT EXISTS "
                        + matcher.group(2) + " ON " + Sql.table(move.target()) + " " + matcher.group(5);
                statement.execute(sql);
            }
            statement.execute("ANALYZE " + Sql.table(move.target()));
        }
    }
}
