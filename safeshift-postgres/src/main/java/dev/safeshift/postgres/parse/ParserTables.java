package dev.safeshift.postgres.parse;

import dev.safeshift.plan.QualifiedName;
import dev.safeshift.postgres.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Creates the source's tables on the parser server, columns only, so that queries in a change
 * script ({@code UPDATE payments SET ...}) can be analysed there. Types the parser server does not
 * have (enums, domains, extensions' types) become {@code text}: analysis needs the column to exist,
 * and the tree's shape does not depend on its type.
 */
public final class ParserTables {

    private ParserTables() {
    }

    /** Defines {@code tables} as the source has them; tables the source does not have are left out. */
    public static void define(ParserServer parser, Connection source, List<QualifiedName> tables) throws SQLException {
        Set<String> schemas = new LinkedHashSet<>();
        List<String> creates = new ArrayList<>();
        for (QualifiedName table : tables) {
            List<String> columns = columnsOf(source, table);
            if (columns.isEmpty()) {
                continue;
            }
            schemas.add(table.schema());
            creates.add("CREATE TABLE IF NOT EXISTS " + Sql.table(table) + " (" + String.join(", ", columns) + ")");
        }
        if (creates.isEmpty()) {
            return;
        }
        StringBuilder ddl = new StringBuilder();
        for (String schema : schemas) {
            ddl.append("CREATE SCHEMA IF NOT EXISTS ").append(Sql.ident(schema)).append(";\n");
        }
        for (String create : creates) {
            ddl.append(create).append(";\n");
        }
        parser.define(ddl.toString());
    }

    private static List<String> columnsOf(Connection source, QualifiedName table) throws SQLException {
        String sql = """
                SELECT a.attname,
                       CASE WHEN tn.nspname = 'pg_catalog' THEN format_type(a.atttypid, a.atttypmod) ELSE 'text' END
                FROM pg_attribute a
                JOIN pg_type t ON t.oid = a.atttypid
                JOIN pg_namespace tn ON tn.oid = t.typnamespace
                WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY a.attnum
                """;
        List<String> columns = new ArrayList<>();
        try (PreparedStatement statement = source.prepareStatement(sql)) {
            statement.setString(1, table.toString());
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    columns.add(Sql.ident(rs.getString(1)) + " " + rs.getString(2));
                }
            }
        }
        return columns;
    }
}
