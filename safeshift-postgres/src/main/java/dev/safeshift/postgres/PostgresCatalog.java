package dev.safeshift.postgres;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.ColumnInfo;
import dev.safeshift.engine.TableInfo;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.plan.TableSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads table definitions from PostgreSQL's catalog and checks that Safeshift can move them. */
final class PostgresCatalog {

    /** Base types (arrays of them too) whose values are copied and streamed exactly. */
    static final Set<String> SUPPORTED_TYPES = Set.of(
            "int2", "int4", "int8", "numeric", "text", "varchar", "bpchar", "bool",
            "timestamptz", "timestamp", "date", "uuid", "jsonb", "bytea");

    private static final String RELATION = """
            SELECT c.oid, c.reltuples::bigint, pg_total_relation_size(c.oid)
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')""";

    private static final String COLUMNS = """
            SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                   pg_get_expr(d.adbin, d.adrelid),
                   CASE WHEN t.typcategory = 'A' THEN e.typname ELSE t.typname END,
                   a.attgenerated <> ''
              FROM pg_attribute a
              JOIN pg_type t ON t.oid = a.atttypid
              LEFT JOIN pg_type e ON e.oid = t.typelem
              LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
             WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped
             ORDER BY a.attnum""";

    private static final String PRIMARY_KEY = """
            SELECT a.attname
              FROM pg_index i
              CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
              JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
             WHERE i.indrelid = ? AND i.indisprimary
             ORDER BY k.ord""";

    private static final String DEFERRABLE_KEY = """
            SELECT count(*) FROM pg_constraint WHERE conrelid = ? AND contype = 'p' AND condeferrable""";

    private static final String SECONDARY_INDEXES = """
            SELECT pg_get_indexdef(i.indexrelid)
              FROM pg_index i
             WHERE i.indrelid = ? AND NOT i.indisprimary
             ORDER BY i.indexrelid""";

    private PostgresCatalog() {
    }

    /** Whether the table exists; {@code describe} fails with a message when it does not. */
    static boolean exists(Connection connection, QualifiedName name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(RELATION)) {
            statement.setString(1, name.schema());
            statement.setString(2, name.name());
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        }
    }

    /** Describes the table as it is, every column, without judging whether it can be moved. */
    static TableInfo describeAll(Connection connection, QualifiedName name, String role) throws SQLException {
        return read(connection, name, role).info();
    }

    /**
     * Describes a source table restricted to the plan's columns, and refuses tables that cannot be
     * moved: no primary key, a key column left out, or a column type Safeshift does not handle.
     */
    static TableInfo describeSource(Connection connection, TableSpec spec) throws SQLException {
        QualifiedName name = spec.source();
        CatalogTable table = read(connection, name, "source");
        TableInfo all = table.info();
        Map<String, ColumnInfo> byName = new LinkedHashMap<>();
        all.columns().forEach(c -> byName.put(c.name(), c));
        if (all.primaryKey().isEmpty()) {
            throw new SafeshiftException(SafeshiftException.Kind.UNSUPPORTED_TABLE,
                    "the source table " + name + " has no primary key. Safeshift copies and streams rows by primary key, "
                            + "so it needs one: add it with ALTER TABLE " + name + " ADD PRIMARY KEY (...) and run again.");
        }
        if (!strings(connection, DEFERRABLE_KEY, table.oid()).get(0).equals("0")) {
            // Within a transaction a deferrable key may hold duplicates, which an apply keyed by
            // primary key cannot reproduce in order.
            throw new SafeshiftException(SafeshiftException.Kind.UNSUPPORTED_TABLE,
                    "the source table " + name + " has a DEFERRABLE primary key. Safeshift applies changes by primary "
                            + "key and cannot follow keys that are briefly duplicated inside a transaction; make the "
                            + "constraint NOT DEFERRABLE (ALTER TABLE ... ALTER CONSTRAINT ... NOT DEFERRABLE) first.");
        }
        List<ColumnInfo> selected = new ArrayList<>();
        for (String column : spec.columns().isEmpty() ? List.copyOf(byName.keySet()) : spec.columns()) {
            ColumnInfo info = byName.get(column);
            if (info == null) {
                throw new SafeshiftException(SafeshiftException.Kind.UNSUPPORTED_TABLE,
                        "the plan lists column '" + column + "' for " + name + ", but the table has no such column. "
                                + "Its columns are: " + String.join(", ", byName.keySet()) + ".");
            }
            selected.add(info);
        }
        for (String key : all.primaryKey()) {
            if (selected.stream().noneMatch(c -> c.name().equals(key))) {
                throw new SafeshiftException(SafeshiftException.Kind.UNSUPPORTED_TABLE,
                        "the plan's column list for " + name + " leaves out primary-key column '" + key
                                + "'. Every primary-key column must be moved; add it to columns.");
            }
        }
        List<String> unsupported = selected.stream()
                .filter(c -> table.unsupported().containsKey(c.name()))
                .map(c -> c.name() + " (" + table.unsupported().get(c.name()) + ")")
                .toList();
        if (!unsupported.isEmpty()) {
            throw new SafeshiftException(SafeshiftException.Kind.UNSUPPORTED_TABLE,
                    "the source table " + name + " has column(s) Safeshift cannot move yet: " + String.join(", ", unsupported)
                            + ". Supported types are smallint, integer, bigint, numeric, text, varchar, char, boolean, "
                            + "timestamp, timestamptz, date, uuid, jsonb, bytea and arrays of these. Leave the column out "
                            + "with a 'columns:' list in the plan, or change its type.");
        }
        return new TableInfo(name, selected, all.primaryKey(), all.estimatedRows(), all.sizeBytes(), all.secondaryIndexes());
    }

    private static CatalogTable read(Connection connection, QualifiedName name, String role) throws SQLException {
        long oid;
        long estimatedRows;
        long sizeBytes;
        try (PreparedStatement statement = connection.prepareStatement(RELATION)) {
            statement.setString(1, name.schema());
            statement.setString(2, name.name());
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    throw new SafeshiftException(SafeshiftException.Kind.UNSUPPORTED_TABLE,
                            "the " + role + " table " + name + " does not exist. Check the table name in the plan "
                                    + "(schema.table; unquoted names are lower case in PostgreSQL).");
                }
                oid = rows.getLong(1);
                estimatedRows = Math.max(0, rows.getLong(2));
                sizeBytes = rows.getLong(3);
            }
        }
        List<ColumnInfo> columns = new ArrayList<>();
        Map<String, String> unsupported = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(COLUMNS)) {
            statement.setLong(1, oid);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    String column = rows.getString(1);
                    String type = rows.getString(2);
                    boolean generated = rows.getBoolean(6);
                    columns.add(new ColumnInfo(column, type, !rows.getBoolean(3), rows.getString(4)));
                    if (generated) {
                        unsupported.put(column, type + ", generated");
                    } else if (!SUPPORTED_TYPES.contains(rows.getString(5))) {
                        unsupported.put(column, type);
                    }
                }
            }
        }
        List<String> primaryKey = strings(connection, PRIMARY_KEY, oid);
        List<String> indexes = strings(connection, SECONDARY_INDEXES, oid);
        return new CatalogTable(oid, new TableInfo(name, columns, primaryKey, estimatedRows, sizeBytes, indexes), unsupported);
    }

    private static List<String> strings(Connection connection, String sql, long oid) throws SQLException {
        List<String> values = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, oid);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    values.add(rows.getString(1));
                }
            }
        }
        return values;
    }

    /** A table as the catalog shows it, with the reason each unsupported column cannot be moved. */
    private record CatalogTable(long oid, TableInfo info, Map<String, String> unsupported) {
    }
}
