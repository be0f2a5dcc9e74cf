package dev.safeshift.postgres;

import dev.safeshift.SafeshiftException;
import dev.safeshift.plan.QualifiedName;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the column types of a table from one side's catalog, as verification needs them: domains
 * resolved to their base type, the element type of arrays, the modifier of numeric, and each
 * collatable column's collation with what decides how it orders text.
 */
final class TypeCatalog {

    private static final String RELATION = """
            SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p', 'f')""";

    /** Each column with its type followed through domains (a domain may be over another domain). */
    private static final String COLUMNS = """
            WITH RECURSIVE base(attnum, typ, typmod, depth) AS (
                SELECT a.attnum, a.atttypid, a.atttypmod, 0
                  FROM pg_attribute a
                 WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped
              UNION ALL
                SELECT b.attnum, t.typbasetype, t.typtypmod, b.depth + 1
                  FROM base b JOIN pg_type t ON t.oid = b.typ
                 WHERE t.typtype = 'd')
            SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, b.depth > 0,
                   t.typname, t.typnamespace = 'pg_catalog'::regnamespace, format_type(t.oid, b.typmod), b.typmod,
                   t.typtype, e.typname, e.oid < 10000, e.typtype, a.attcollation
              FROM base b
              JOIN pg_attribute a ON a.attrelid = ? AND a.attnum = b.attnum
              JOIN pg_type t ON t.oid = b.typ
              LEFT JOIN pg_type e ON e.oid = t.typelem AND e.typarray = t.oid
             WHERE t.typtype <> 'd'
             ORDER BY a.attnum""";

    /** The default collation (OID 100) is the database's; PostgreSQL 14 has only libc defaults. */
    private static final long DEFAULT_COLLATION = 100;

    private static final String COLLATIONS = """
            SELECT c.oid, quote_ident(n.nspname) || '.' || quote_ident(c.collname), c.collisdeterministic,
                   jsonb_build_array(c.collprovider, c.collcollate, c.collctype, to_jsonb(c) ->> 'colliculocale',
                                     to_jsonb(c) ->> 'colllocale', to_jsonb(c) ->> 'collicurules',
                                     pg_collation_actual_version(c.oid))::text
              FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace
             WHERE c.oid = ANY (CAST(? AS oid[])) AND c.oid <> 100""";

    /** The database's default collation, PostgreSQL 15 and later (ICU defaults, and their versions). */
    private static final String DEFAULT_15 = """
            SELECT jsonb_build_array(to_jsonb(d) ->> 'datlocprovider', d.datcollate, d.datctype,
                                     to_jsonb(d) ->> 'daticulocale', to_jsonb(d) ->> 'datlocale',
                                     to_jsonb(d) ->> 'daticurules', pg_database_collation_actual_version(d.oid))::text
              FROM pg_database d WHERE d.datname = current_database()""";

    /**
     * The database's default collation, PostgreSQL 14: always libc, whose version PostgreSQL reports
     * as the C library's for every libc collation (none for C and POSIX, which order by bytes).
     */
    private static final String DEFAULT_14 = """
            SELECT jsonb_build_array('c', d.datcollate, d.datctype, NULL, NULL, NULL,
                       CASE WHEN d.datcollate IN ('C', 'POSIX') THEN NULL
                            ELSE (SELECT pg_collation_actual_version(c.oid) FROM pg_collation c
                                   WHERE c.collprovider = 'c' AND c.collcollate NOT IN ('C', 'POSIX')
                                     AND pg_collation_actual_version(c.oid) IS NOT NULL
                                   ORDER BY c.oid LIMIT 1) END)::text
              FROM pg_database d WHERE d.datname = current_database()""";

    private TypeCatalog() {
    }

    /** Every column of {@code table}, in table order. */
    static List<ColumnType> read(Connection connection, QualifiedName table, String role) throws SQLException {
        long oid = oid(connection, table, role);
        record Row(String name, String declared, boolean notNull, boolean domain, String base, boolean builtin,
                   String baseSql, int typmod, char typtype, Optional<ColumnType.Element> element, long collation) {
        }
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(COLUMNS)) {
            statement.setLong(1, oid);
            statement.setLong(2, oid);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    Optional<ColumnType.Element> element = result.getString(10) == null ? Optional.empty()
                            : Optional.of(new ColumnType.Element(result.getString(10), result.getBoolean(11),
                            result.getString(12).charAt(0)));
                    rows.add(new Row(result.getString(1), result.getString(2), result.getBoolean(3),
                            result.getBoolean(4), result.getString(5), result.getBoolean(6), result.getString(7),
                            result.getInt(8), result.getString(9).charAt(0), element, result.getLong(13)));
                }
            }
        }
        Set<Long> used = new LinkedHashSet<>();
        rows.stream().filter(row -> row.collation() != 0).forEach(row -> used.add(row.collation()));
        Map<Long, ColumnType.Collation> collations = collations(connection, used);
        List<ColumnType> types = new ArrayList<>();
        for (Row row : rows) {
            types.add(new ColumnType(row.name(), row.declared(), row.notNull(), row.domain(), row.base(), row.builtin(),
                    row.baseSql(), row.typmod(), row.typtype(), row.element(),
                    Optional.ofNullable(collations.get(row.collation()))));
        }
        return types;
    }

    private static long oid(Connection connection, QualifiedName table, String role) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(RELATION)) {
            statement.setString(1, table.schema());
            statement.setString(2, table.name());
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    throw new SafeshiftException(SafeshiftException.Kind.UNSUPPORTED_TABLE,
                            "the " + role + " table " + table + " does not exist. Check the table name in the plan "
                                    + "(schema.table; unquoted names are lower case in PostgreSQL).");
                }
                return rows.getLong(1);
            }
        }
    }

    private static Map<Long, ColumnType.Collation> collations(Connection connection, Set<Long> oids) throws SQLException {
        Map<Long, ColumnType.Collation> found = new HashMap<>();
        if (oids.isEmpty()) {
            return found;
        }
        try (PreparedStatement statement = connection.prepareStatement(COLLATIONS)) {
            Array array = connection.createArrayOf("text", oids.stream().map(String::valueOf).toArray());
            statement.setArray(1, array);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    found.put(rows.getLong(1), new ColumnType.Collation(rows.getString(2), rows.getBoolean(3),
                            rows.getString(4)));
                }
            }
        }
        if (oids.contains(DEFAULT_COLLATION)) {
            boolean modern = connection.getMetaData().getDatabaseMajorVersion() >= 15;
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery(modern ? DEFAULT_15 : DEFAULT_14)) {
                rows.next();
                // A default collation is always deterministic (PostgreSQL has no other kind of database default).
                found.put(DEFAULT_COLLATION, new ColumnType.Collation("pg_catalog.\"default\"", true, rows.getString(1)));
            }
        }
        return found;
    }
}
