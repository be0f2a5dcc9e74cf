package dev.safeshift.postgres;

import dev.safeshift.postgres.SourceDefinition.TypeDefinition;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Follows the types a table's columns use (array elements, domain bases, composite attributes,
 * range subtypes) and sorts them into what the target must get: built-in types need nothing, enum,
 * domain and composite types are created (dependencies first), extension types need their
 * extension, and other user types must already exist. Types whose values cannot be carried to
 * another database are refused, with the reason.
 */
final class SourceTypes {

    /** Values are object ids of the source database, meaning other objects (or none) in the target. */
    private static final Set<String> OBJECT_ID_TYPES = Set.of("regclass", "regcollation", "regconfig", "regdictionary",
            "regnamespace", "regoper", "regoperator", "regproc", "regprocedure", "regrole", "regtype");
    /** Internal types PostgreSQL writes but cannot read back (their input function always fails). */
    private static final Set<String> WRITE_ONLY_TYPES = Set.of("pg_node_tree", "pg_ndistinct", "pg_dependencies",
            "pg_mcv_list", "pg_brin_bloom_summary", "pg_brin_minmax_multi_summary", "gtsvector");

    private static final long TIME_WITH_TIME_ZONE = 1266;

    private static final String TYPE = """
            SELECT t.typtype, n.nspname, t.typname, t.typelem, t.typbasetype, t.typrelid,
                   t.typsend <> 0 AND t.typreceive <> 0, t.typlen = -1 AND t.typelem <> 0 AND t.typcategory = 'A',
                   x.extname, format_type(t.oid, NULL), (SELECT r.rngsubtype FROM pg_range r WHERE r.rngtypid = t.oid),
                   %s, (SELECT relkind FROM pg_class WHERE oid = t.typrelid), x.nspname
              FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
              LEFT JOIN LATERAL (SELECT e.extname, en.nspname FROM pg_depend d
                      JOIN pg_extension e ON e.oid = d.refobjid JOIN pg_namespace en ON en.oid = e.extnamespace
                     WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid
                       AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e') x ON TRUE
             WHERE t.oid = ?""";

    private final Connection connection;
    private final String typeQuery;
    private final Map<Long, TypeRow> rows = new HashMap<>();
    /** Types to create, dependencies first. */
    private final Map<Long, TypeDefinition> created = new LinkedHashMap<>();
    private final Set<String> required = new LinkedHashSet<>();
    private final Map<String, String> extensions = new LinkedHashMap<>();
    private boolean usesMoney;

    SourceTypes(Connection connection) throws SQLException {
        this.connection = connection;
        // multiranges (PostgreSQL 14) are followed to their range type
        this.typeQuery = TYPE.formatted(Catalog.serverVersion(connection) >= 140000
                ? "(SELECT r.rngtypid FROM pg_range r WHERE r.rngmultitypid = t.oid)" : "NULL::oid");
    }

    /**
     * Follows a column's type; returns why it cannot be moved, or empty when it can. Must be called
     * inside {@link Catalog#qualified}.
     */
    Optional<String> follow(long typeOid) throws SQLException {
        return follow(typeOid, new LinkedHashSet<>());
    }

    /**
     * Whether a column of this type can travel in binary COPY format between two databases: every
     * type on the way has binary input and output, and none of the binary forms on the way embeds
     * the id of a type that is not built in (array elements and composite attributes do).
     */
    boolean binarySafe(long typeOid) throws SQLException {
        TypeRow type = row(typeOid);
        if (!type.binaryIo) {
            return false;
        }
        if (type.array) {
            return type.element < Catalog.FIRST_USER_OID && binarySafe(type.element);
        }
        return switch (type.kind) {
            case "d" -> binarySafe(type.base);
            case "c" -> {
                for (long attribute : attributeTypes(type.relation)) {
                    if (attribute >= Catalog.FIRST_USER_OID || !binarySafe(attribute)) {
                        yield false;
                    }
                }
                yield true;
            }
            case "r" -> type.subtype == 0 || binarySafe(type.subtype);
            case "m" -> binarySafe(type.range);
            default -> true;
        };
    }

    /**
     * Why a column of this type cannot be streamed although its values can be copied, or empty.
     * Debezium reads time with time zone as an instant in UTC before any converter sees it, so the
     * offset a value was written with would be lost (as a column, or as a domain over it; arrays and
     * composites of it travel as text and are exact).
     */
    Optional<String> notStreamable(long typeOid) throws SQLException {
        TypeRow type = row(typeOid);
        while (type.kind.equals("d")) {
            typeOid = type.base;
            type = row(typeOid);
        }
        return typeOid == TIME_WITH_TIME_ZONE
                ? Optional.of("time with time zone: the change stream reads it in UTC and would lose the offset of "
                        + "each value; use timestamptz, or time and a separate offset")
                : Optional.empty();
    }

    List<TypeDefinition> created() {
        return List.copyOf(created.values());
    }

    List<String> required() {
        return List.copyOf(required);
    }

    Map<String, String> extensions() {
        return Map.copyOf(extensions);
    }

    boolean usesMoney() {
        return usesMoney;
    }

    private Optional<String> follow(long oid, Set<Long> path) throws SQLException {
        if (!path.add(oid)) {
            return Optional.empty(); // a type that contains itself through an array is followed once
        }
        TypeRow type = row(oid);
        if (type.extension != null) {
            extensions.put(type.extension, type.extensionSchema);
            return Optional.empty();
        }
        if (type.kind.equals("p")) {
            return Optional.of(type.formatted + " is a pseudo-type");
        }
        if (oid < Catalog.FIRST_USER_OID && type.schema.equals("pg_catalog")) {
            if (OBJECT_ID_TYPES.contains(type.name)) {
                return Optional.of(type.formatted + " values are object ids of the source database, which name other "
                        + "objects, or none, in the target");
            }
            if (WRITE_ONLY_TYPES.contains(type.name)) {
                return Optional.of(type.formatted + " is an internal type PostgreSQL cannot read back");
            }
            if (type.name.equals("aclitem")) {
                return Optional.of("aclitem values are privileges of the source server's roles and have no binary form");
            }
            if (type.name.equals("money")) {
                usesMoney = true;
            }
        }
        Optional<String> inner = followInner(type, path);
        if (inner.isPresent()) {
            return inner;
        }
        if (oid >= Catalog.FIRST_USER_OID && !type.array) {
            switch (type.kind) {
                case "e", "d" -> created.putIfAbsent(oid, describe(oid));
                case "c" -> {
                    if ("c".equals(type.relationKind)) {
                        created.putIfAbsent(oid, describe(oid));
                    } else {
                        required.add(type.formatted + " (the row type of a table)");
                    }
                }
                default -> required.add(type.formatted);
            }
        }
        return Optional.empty();
    }

    private Optional<String> followInner(TypeRow type, Set<Long> path) throws SQLException {
        List<Long> inner = new ArrayList<>();
        if (type.array) {
            inner.add(type.element);
        } else if (type.kind.equals("d")) {
            inner.add(type.base);
        } else if (type.kind.equals("c")) {
            inner.addAll(attributeTypes(type.relation));
        } else if (type.kind.equals("r") && type.subtype != 0) {
            inner.add(type.subtype);
        } else if (type.kind.equals("m") && type.range != 0) {
            inner.add(type.range);
        }
        for (long oid : inner) {
            Optional<String> refused = follow(oid, new LinkedHashSet<>(path));
            if (refused.isPresent()) {
                return refused;
            }
        }
        return Optional.empty();
    }

    /**
     * The statements creating an enum, domain or composite type, and the facts that must match
     * when the other database already has it. Works on the source and on the target alike.
     */
    TypeDefinition describe(long oid) throws SQLException {
        TypeRow type = row(oid);
        String name = type.formatted;
        List<String> create = new ArrayList<>();
        List<String> facts = new ArrayList<>();
        switch (type.kind) {
            case "e" -> {
                List<String> labels = Catalog.strings(connection,
                        "SELECT enumlabel FROM pg_enum WHERE enumtypid = ? ORDER BY enumsortorder", oid);
                String list = String.join(", ", labels.stream().map(Sql::literal).toList());
                create.add("CREATE TYPE " + name + " AS ENUM (" + list + ")");
                facts.add("enum (" + list + ")");
            }
            case "d" -> describeDomain(oid, name, create, facts);
            default -> {
                List<String> attributes = Catalog.rows(connection, """
                        SELECT quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod)
                               || CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation
                                       THEN ' COLLATE ' || quote_ident(cn.nspname) || '.' || quote_ident(co.collname)
                                       ELSE '' END
                          FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
                          LEFT JOIN pg_collation co ON co.oid = a.attcollation
                          LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
                         WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum""",
                        row -> row.getString(1), type.relation);
                create.add("CREATE TYPE " + name + " AS (" + String.join(", ", attributes) + ")");
                facts.add("composite (" + String.join(", ", attributes) + ")");
            }
        }
        return new TypeDefinition(name, type.schema, create, facts);
    }

    private void describeDomain(long oid, String name, List<String> create, List<String> facts) throws SQLException {
        String base = Catalog.text(connection, """
                SELECT format_type(t.typbasetype, t.typtypmod)
                       || CASE WHEN t.typcollation <> 0 AND t.typcollation <> b.typcollation
                               THEN ' COLLATE ' || quote_ident(cn.nspname) || '.' || quote_ident(co.collname) ELSE '' END
                       || CASE WHEN t.typdefaultbin IS NOT NULL THEN ' DEFAULT ' || pg_get_expr(t.typdefaultbin, 0) ELSE '' END
                       || CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END
                  FROM pg_type t JOIN pg_type b ON b.oid = t.typbasetype
                  LEFT JOIN pg_collation co ON co.oid = t.typcollation
                  LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
                 WHERE t.oid = ?""", oid);
        List<String[]> checks = Catalog.rows(connection, """
                SELECT quote_ident(conname), pg_get_constraintdef(oid), convalidated FROM pg_constraint
                 WHERE contypid = ? AND contype = 'c' ORDER BY conname""",
                row -> new String[] {row.getString(1), row.getString(2), Boolean.toString(row.getBoolean(3))}, oid);
        StringBuilder statement = new StringBuilder("CREATE DOMAIN " + name + " AS " + base);
        facts.add("domain over " + base);
        for (String[] check : checks) {
            if (Boolean.parseBoolean(check[2])) {
                statement.append(" CONSTRAINT ").append(check[0]).append(' ').append(check[1]);
            }
            facts.add("constraint " + check[0] + " " + check[1]);
        }
        create.add(statement.toString());
        for (String[] check : checks) {
            if (!Boolean.parseBoolean(check[2])) {
                // a constraint the source never validated may not hold for old values: it stays NOT VALID
                create.add("ALTER DOMAIN " + name + " ADD CONSTRAINT " + check[0] + " " + check[1]);
            }
        }
    }

    private List<Long> attributeTypes(long relation) throws SQLException {
        return Catalog.rows(connection, "SELECT atttypid FROM pg_attribute WHERE attrelid = ? AND attnum > 0 "
                + "AND NOT attisdropped ORDER BY attnum", row -> row.getLong(1), relation);
    }

    private TypeRow row(long oid) throws SQLException {
        TypeRow cached = rows.get(oid);
        if (cached != null) {
            return cached;
        }
        List<TypeRow> found = Catalog.rows(connection, typeQuery, row -> new TypeRow(row.getString(1), row.getString(2),
                row.getString(3), row.getLong(4), row.getLong(5), row.getLong(6), row.getBoolean(7), row.getBoolean(8),
                row.getString(9), row.getString(10), row.getLong(11), row.getLong(12), row.getString(13), row.getString(14)), oid);
        if (found.isEmpty()) {
            throw new SQLException("type " + oid + " vanished from the catalog while it was being read");
        }
        rows.put(oid, found.get(0));
        return found.get(0);
    }

    /** One pg_type row, with what is needed to follow it. */
    private record TypeRow(String kind, String schema, String name, long element, long base, long relation,
                           boolean binaryIo, boolean array, String extension, String formatted, long subtype,
                           long range, String relationKind, String extensionSchema) {
    }
}
