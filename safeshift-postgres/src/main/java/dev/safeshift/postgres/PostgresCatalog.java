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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads table definitions from PostgreSQL's catalog, every name schema-qualified, and refuses
 * source tables that cannot be moved without losing data or hurting the source.
 */
final class PostgresCatalog {

    /**
     * The row estimate as the planner makes it: the density the statistics last saw, times the pages
     * the table has now, so statistics taken when the table was small do not make it look small.
     * Unknown (-1) when there are no statistics to take a density from; the chunk planner then counts.
     */
    private static final String LIVE_ROWS = """
            CASE WHEN c.relpages > 0 AND c.reltuples >= 0
                 THEN (c.reltuples / c.relpages * (pg_relation_size(c.oid) / current_setting('block_size')::bigint))::bigint
                 ELSE -1 END""";

    private static final String RELATION = """
            SELECT c.oid, c.relkind, c.relpersistence, %s, pg_total_relation_size(c.oid),
                   c.relkind = 'r' AND EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhparent = c.oid),
                   c.relrowsecurity AND NOT (SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user)
                       AND (c.relforcerowsecurity OR NOT pg_has_role(c.relowner, 'USAGE'))
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')""".formatted(LIVE_ROWS);

    /** A partitioned table holds no rows itself: its size and row estimate are its partitions'. */
    private static final String PARTITIONS_TOTAL = """
            WITH RECURSIVE tree(relid) AS (
                SELECT ?::oid UNION ALL SELECT i.inhrelid FROM pg_inherits i JOIN tree t ON i.inhparent = t.relid)
            SELECT CASE WHEN bool_and(%s >= 0) THEN sum(%s)::bigint ELSE -1 END,
                   coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint
              FROM tree JOIN pg_class c ON c.oid = tree.relid
             WHERE c.relkind = 'r'""".formatted(LIVE_ROWS, LIVE_ROWS);

    private static final String COLUMNS = """
            SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                   CASE WHEN %1$s = '' THEN pg_get_expr(d.adbin, d.adrelid) END,
                   CASE WHEN %1$s <> '' THEN pg_get_expr(d.adbin, d.adrelid) END,
                   %1$s, a.attidentity,
                   CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation
                        THEN quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END,
                   a.atttypid,
                   ARRAY(SELECT ra.attname FROM pg_depend dep
                           JOIN pg_attribute ra ON ra.attrelid = dep.refobjid AND ra.attnum = dep.refobjsubid
                          WHERE ((dep.classid = 'pg_attrdef'::regclass AND dep.objid = d.oid)
                                 OR (dep.classid = 'pg_class'::regclass AND dep.objid = a.attrelid AND dep.objsubid = a.attnum))
                            AND dep.refclassid = 'pg_class'::regclass AND dep.refobjid = a.attrelid
                            AND dep.refobjsubid > 0 AND dep.refobjsubid <> a.attnum)
              FROM pg_attribute a
              JOIN pg_type t ON t.oid = a.atttypid
              LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
              LEFT JOIN pg_collation co ON co.oid = a.attcollation
              LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
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
        return !Catalog.strings(connection, "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')", name.schema(), name.name()).isEmpty();
    }

    /** Describes the table as it is, every column, without judging whether it can be moved. */
    static TableInfo describeAll(Connection connection, QualifiedName name, String role) throws SQLException {
        return Catalog.qualified(connection, () -> {
            Relation relation = relation(connection, name, role);
            List<CatalogColumn> columns = columns(connection, relation.oid);
            return new TableInfo(name, columns.stream().map(CatalogColumn::info).toList(),
                    Catalog.strings(connection, PRIMARY_KEY, relation.oid), relation.estimatedRows, relation.sizeBytes,
                    Catalog.strings(connection, SECONDARY_INDEXES, relation.oid));
        });
    }

    /**
     * Describes a source table restricted to the plan's columns, with everything needed to
     * reproduce it, and refuses tables that cannot be moved: no primary key, a key column left out,
     * a column whose values cannot be carried exactly, or a table whose changes cannot be captured
     * completely and safely.
     */
    static TableInfo describeSource(Connection connection, TableSpec spec) throws SQLException {
        return Catalog.qualified(connection, () -> describe(connection, spec, true));
    }

    /**
     * Describes a source table, every column, as {@link #describeSource} does but without the refusals
     * that only a move needs (a primary key to copy and stream by, values that can be carried, changes
     * that can be captured): for creating an empty copy of its definition ({@link TableCopy}). A
     * partitioned table is described as the one table a move makes of it.
     */
    static TableInfo describeDefinition(Connection connection, QualifiedName name) throws SQLException {
        return Catalog.qualified(connection, () -> describe(connection, new TableSpec(name, name, List.of()), false));
    }

    private static TableInfo describe(Connection connection, TableSpec spec, boolean forMove) throws SQLException {
        QualifiedName name = spec.source();
        Relation relation = relation(connection, name, "source");
        if (forMove) {
            refuseUncapturable(connection, relation, name);
        }
        List<CatalogColumn> all = columns(connection, relation.oid);
        Map<String, CatalogColumn> byName = new LinkedHashMap<>();
        all.forEach(c -> byName.put(c.info.name(), c));
        List<String> primaryKey = Catalog.strings(connection, PRIMARY_KEY, relation.oid);
        if (forMove && primaryKey.isEmpty()) {
            throw new SafeshiftException(SafeshiftException.Kind.UNSUPPORTED_TABLE,
                    "the source table " + name + " has no primary key. Safeshift copies and streams rows by primary key, "
                            + "so it needs one: add it with ALTER TABLE " + name + " ADD PRIMARY KEY (...) and run again.");
        }
        if (!Catalog.text(connection, DEFERRABLE_KEY, relation.oid).equals("0")) {
            // Within a transaction a deferrable key may hold duplicates, which an apply keyed by
            // primary key cannot reproduce in order. (A copy of the definition would lose it: the key
            // is made from its index after the copy, and such a key cannot be deferrable.)
            throw new SafeshiftException(SafeshiftException.Kind.UNSUPPORTED_TABLE,
                    "the source table " + name + " has a DEFERRABLE primary key. Safeshift applies changes by primary "
                            + "key and cannot follow keys that are briefly duplicated inside a transaction; make the "
                            + "constraint NOT DEFERRABLE (ALTER TABLE ... ALTER CONSTRAINT ... NOT DEFERRABLE) first.");
        }
        List<CatalogColumn> selected = select(spec, name, byName, primaryKey);
        Set<String> moved = new LinkedHashSet<>();
        selected.forEach(c -> moved.add(c.info.name()));

        SourceTypes types = new SourceTypes(connection);
        List<String> refused = new ArrayList<>();
        boolean binary = true;
        for (CatalogColumn column : selected) {
            Optional<String> reason = types.follow(column.typeOid);
            if (reason.isEmpty()) {
                reason = types.notStreamable(column.typeOid);
            }
            reason.ifPresent(r -> refused.add(Sql.ident(column.info.name()) + " (" + r + ")"));
            binary &= reason.isEmpty() && types.binarySafe(column.typeOid);
            List<String> missing = column.generatedFrom.stream().filter(c -> !moved.contains(c)).toList();
            if (column.info.generated() && !missing.isEmpty()) {
                refused.add(Sql.ident(column.info.name()) + " (generated from " + String.join(", ", missing)
                        + ", which the plan leaves out; move those columns too, or leave this one out)");
            }
        }
        if (forMove && !refused.isEmpty()) {
            throw new SafeshiftException(SafeshiftException.Kind.UNSUPPORTED_TABLE,
                    "the source table " + name + " has column(s) Safeshift cannot move: " + String.join("; ", refused)
                            + ". Leave them out with a 'columns:' list in the plan, or change their type.");
        }
        if (forMove) {
            if (types.usesMoney()) {
                MoneyFormat.checkReadable(connection, name);
            }
            ReplicaIdentityCheck.check(connection, relation.oid, name);
        }

        SourceConstraints constraints = new SourceConstraints(connection, relation.oid, name, moved);
        SourceSequences sequences = new SourceSequences(connection, relation.oid, moved);
        Map<String, String> extensions = new LinkedHashMap<>(types.extensions());
        extensions.putAll(constraints.extensions);
        Set<String> virtual = new LinkedHashSet<>();
        selected.stream().filter(c -> "v".equals(c.generatedKind)).forEach(c -> virtual.add(c.info.name()));
        SourceDefinition definition = new SourceDefinition(constraints.primaryKey, constraints.primaryKeyIndex, constraints.checks,
                constraints.indexConstraints, constraints.indexes, constraints.foreignKeys, sequences.byColumn,
                sequences.defaults, types.created(), types.required(), extensions, List.copyOf(sequences.required),
                binary, types.usesMoney(), relation.partitioned(), virtual, constraints.notes);
        List<String> indexes = constraints.indexes.stream()
                .map(i -> "CREATE " + (i.unique() ? "UNIQUE " : "") + "INDEX " + Sql.ident(i.name()) + " ON "
                        + Sql.table(name) + " " + i.using())
                .toList();
        return new TableInfo(name, selected.stream().map(CatalogColumn::info).toList(), primaryKey,
                relation.estimatedRows, relation.sizeBytes, indexes, definition);
    }

    private static List<CatalogColumn> select(TableSpec spec, QualifiedName name, Map<String, CatalogColumn> byName,
                                              List<String> primaryKey) {
        List<CatalogColumn> selected = new ArrayList<>();
        for (String column : spec.columns().isEmpty() ? List.copyOf(byName.keySet()) : spec.columns()) {
            CatalogColumn info = byName.get(column);
            if (info == null) {
                throw new SafeshiftException(SafeshiftException.Kind.UNSUPPORTED_TABLE,
                        "the plan lists column '" + column + "' for " + name + ", but the table has no such column. "
                                + "Its columns are: " + String.join(", ", byName.keySet()) + ".");
            }
            selected.add(info);
        }
        for (String key : primaryKey) {
            if (selected.stream().noneMatch(c -> c.info.name().equals(key))) {
                throw new SafeshiftException(SafeshiftException.Kind.UNSUPPORTED_TABLE,
                        "the plan's column list for " + name + " leaves out primary-key column '" + key
                                + "'. Every primary-key column must be moved; add it to columns.");
            }
        }
        return selected;
    }

    /** Tables whose rows or changes Safeshift could not see completely. */
    private static void refuseUncapturable(Connection connection, Relation relation, QualifiedName name)
            throws SQLException {
        if (relation.persistence.equals("u")) {
            throw new SafeshiftException(SafeshiftException.Kind.UNSUPPORTED_TABLE,
                    "the source table " + name + " is UNLOGGED: its changes are not written to the log, so the change "
                            + "stream would never see them. Make it logged first (ALTER TABLE " + name + " SET LOGGED).");
        }
        if (relation.inheritanceParent) {
            throw new SafeshiftException(SafeshiftException.Kind.UNSUPPORTED_TABLE,
                    "the source table " + name + " has child tables (INHERITS): reading it returns their rows too, but "
                            + "their changes would not reach the change stream. Safeshift moves declarative partitioned "
                            + "tables (PARTITION BY) as one table, not inheritance trees; move each table of the tree on "
                            + "its own, or convert the tree to a partitioned table.");
        }
        if (relation.rowSecurityHidesRows) {
            throw new SafeshiftException(SafeshiftException.Kind.UNSUPPORTED_TABLE,
                    "the source table " + name + " has row-level security, and the source user is subject to it: the copy "
                            + "would silently miss the rows its policies hide. Connect as the table's owner, or give the "
                            + "user BYPASSRLS (ALTER ROLE ... BYPASSRLS).");
        }
        if (relation.partitioned() && Catalog.serverVersion(connection) < 130000) {
            throw new SafeshiftException(SafeshiftException.Kind.UNSUPPORTED_TABLE,
                    "the source table " + name + " is partitioned, and moving a partitioned table as one needs "
                            + "PostgreSQL 13 or later on the source (publish_via_partition_root). Move its partitions "
                            + "as separate tables instead, or upgrade the source.");
        }
    }

    private static Relation relation(Connection connection, QualifiedName name, String role) throws SQLException {
        List<Relation> found = Catalog.rows(connection, RELATION,
                row -> new Relation(row.getLong(1), row.getString(2), row.getString(3), row.getLong(4), row.getLong(5),
                        row.getBoolean(6), row.getBoolean(7)), name.schema(), name.name());
        if (found.isEmpty()) {
            throw new SafeshiftException(SafeshiftException.Kind.UNSUPPORTED_TABLE,
                    "the " + role + " table " + name + " does not exist. Check the table name in the plan "
                            + "(schema.table; unquoted names are lower case in PostgreSQL).");
        }
        Relation relation = found.get(0);
        if (!relation.partitioned()) {
            return relation;
        }
        long[] total = Catalog.rows(connection, PARTITIONS_TOTAL, row -> new long[] {row.getLong(1), row.getLong(2)},
                relation.oid).get(0);
        return new Relation(relation.oid, relation.kind, relation.persistence, total[0], total[1],
                relation.inheritanceParent, relation.rowSecurityHidesRows);
    }

    private static List<CatalogColumn> columns(Connection connection, long oid) throws SQLException {
        String generated = Catalog.serverVersion(connection) >= 120000 ? "a.attgenerated::text" : "''::text";
        try (PreparedStatement statement = connection.prepareStatement(COLUMNS.formatted(generated))) {
            statement.setLong(1, oid);
            List<CatalogColumn> columns = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    String identity = rows.getString(7);
                    ColumnInfo info = new ColumnInfo(rows.getString(1), rows.getString(2), !rows.getBoolean(3),
                            rows.getString(4), rows.getString(8),
                            "a".equals(identity) ? ColumnInfo.Identity.ALWAYS
                                    : "d".equals(identity) ? ColumnInfo.Identity.BY_DEFAULT : ColumnInfo.Identity.NONE,
                            rows.getString(5));
                    columns.add(new CatalogColumn(info, rows.getLong(9), rows.getString(6), Catalog.array(rows, 10)));
                }
            }
            return columns;
        }
    }

    /** A column with what describing needs beyond {@link ColumnInfo}. */
    private record CatalogColumn(ColumnInfo info, long typeOid, String generatedKind, List<String> generatedFrom) {
    }

    private record Relation(long oid, String kind, String persistence, long estimatedRows, long sizeBytes,
                            boolean inheritanceParent, boolean rowSecurityHidesRows) {

        boolean partitioned() {
            return kind.equals("p");
        }
    }
}
