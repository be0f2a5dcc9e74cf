package dev.safeshift.postgres;

import dev.safeshift.plan.QualifiedName;
import dev.safeshift.postgres.SourceDefinition.CheckConstraint;
import dev.safeshift.postgres.SourceDefinition.ForeignKey;
import dev.safeshift.postgres.SourceDefinition.Index;
import dev.safeshift.postgres.SourceDefinition.NamedDefinition;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a table's constraints and indexes as the database prints them. Those that use a column the
 * plan leaves out cannot exist on the target: they are left out, with a note.
 */
final class SourceConstraints {

    private static final String CONSTRAINTS = """
            SELECT c.contype, quote_ident(c.conname), pg_get_constraintdef(c.oid), c.convalidated,
                   ARRAY(SELECT a.attname FROM pg_depend d JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                          WHERE d.classid = 'pg_constraint'::regclass AND d.objid = c.oid
                            AND d.refclassid = 'pg_class'::regclass AND d.refobjid = c.conrelid AND d.refobjsubid > 0
                          UNION
                         SELECT a.attname FROM unnest(c.conkey) k(n) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n),
                   c.conindid
              FROM pg_constraint c
             WHERE c.conrelid = ? AND c.contype IN ('c', 'u', 'x', 'p') %s
             ORDER BY c.conname""";

    private static final String FOREIGN_KEYS = """
            SELECT quote_ident(c.conname), pg_get_constraintdef(c.oid), c.convalidated, rn.nspname, rt.relname,
                   ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, o)
                           JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o),
                   ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, o)
                           JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.o),
                   'REFERENCES ' || quote_ident(rn.nspname) || '.' || quote_ident(rt.relname) || '('
                       || (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.o) FROM unnest(c.confkey) WITH ORDINALITY k(n, o)
                             JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n) || ')'
              FROM pg_constraint c
              JOIN pg_class rt ON rt.oid = c.confrelid JOIN pg_namespace rn ON rn.oid = rt.relnamespace
             WHERE c.conrelid = ? AND c.contype = 'f' %s
             ORDER BY c.conname""";

    private static final String INDEXES = """
            SELECT ic.relname, i.indisunique, pg_get_indexdef(i.indexrelid),
                   'CREATE ' || CASE WHEN i.indisunique THEN 'UNIQUE ' ELSE '' END || 'INDEX ' || quote_ident(ic.relname)
                       || ' ON ' || CASE WHEN t.relkind = 'p' THEN 'ONLY ' ELSE '' END
                       || quote_ident(n.nspname) || '.' || quote_ident(t.relname) || ' ',
                   ARRAY(SELECT a.attname FROM pg_depend d JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                          WHERE d.classid = 'pg_class'::regclass AND d.objid = i.indexrelid
                            AND d.refclassid = 'pg_class'::regclass AND d.refobjid = i.indrelid AND d.refobjsubid > 0
                          UNION
                         SELECT a.attname FROM unnest(i.indkey::int2[]) k(n) JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n),
                   i.indisvalid, i.indexrelid
              FROM pg_index i
              JOIN pg_class ic ON ic.oid = i.indexrelid
              JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
             WHERE i.indrelid = ? AND NOT i.indisprimary
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conrelid = i.indrelid AND c.conindid = i.indexrelid
                                  AND c.contype IN ('p', 'u', 'x'))
             ORDER BY ic.relname""";

    /** The index behind a primary key, in the form {@link #INDEXES} reads (the key's own name, as PostgreSQL keeps them alike). */
    private static final String KEY_INDEX = """
            SELECT ic.relname, pg_get_indexdef(i.indexrelid),
                   'CREATE UNIQUE INDEX ' || quote_ident(ic.relname)
                       || ' ON ' || CASE WHEN t.relkind = 'p' THEN 'ONLY ' ELSE '' END
                       || quote_ident(n.nspname) || '.' || quote_ident(t.relname) || ' '
              FROM pg_index i
              JOIN pg_class ic ON ic.oid = i.indexrelid
              JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
             WHERE i.indexrelid = ?""";

    /** Extensions whose operator classes the given indexes use. */
    private static final String INDEX_EXTENSIONS = """
            SELECT DISTINCT e.extname, en.nspname
              FROM pg_index i CROSS JOIN LATERAL unnest(i.indclass::oid[]) AS oc(opclass)
              JOIN pg_depend d ON d.classid = 'pg_opclass'::regclass AND d.objid = oc.opclass
                              AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
              JOIN pg_extension e ON e.oid = d.refobjid JOIN pg_namespace en ON en.oid = e.extnamespace
             WHERE i.indexrelid = ANY (?)""";

    NamedDefinition primaryKey;
    Index primaryKeyIndex;
    final List<CheckConstraint> checks = new ArrayList<>();
    final List<NamedDefinition> indexConstraints = new ArrayList<>();
    final List<Index> indexes = new ArrayList<>();
    final List<ForeignKey> foreignKeys = new ArrayList<>();
    final Map<String, String> extensions = new LinkedHashMap<>();
    final List<String> notes = new ArrayList<>();

    /** Reads inside {@link Catalog#qualified}; {@code moved} are the columns the plan moves. */
    SourceConstraints(Connection connection, long table, QualifiedName name, Set<String> moved) throws SQLException {
        // On a partitioned table, constraints cloned from a parent's (conparentid) belong to the parent.
        String ownOnly = Catalog.serverVersion(connection) >= 110000 ? "AND c.conparentid = 0" : "";
        List<Long> builtOnIndexes = new ArrayList<>();
        for (Object[] row : Catalog.rows(connection, CONSTRAINTS.formatted(ownOnly), row -> new Object[] {
                row.getString(1), row.getString(2), row.getString(3), row.getBoolean(4), Catalog.array(row, 5),
                row.getLong(6)}, table)) {
            String kind = (String) row[0];
            String constraint = (String) row[1];
            String definition = (String) row[2];
            @SuppressWarnings("unchecked")
            List<String> columns = (List<String>) row[4];
            if (kind.equals("p")) {
                primaryKey = new NamedDefinition(constraint, definition);
                primaryKeyIndex = keyIndex(connection, (Long) row[5]);
                builtOnIndexes.add((Long) row[5]);
                continue;
            }
            List<String> missing = columns.stream().filter(c -> !moved.contains(c)).toList();
            if (!missing.isEmpty()) {
                notes.add("The constraint " + constraint + " of " + name + " is left out: it uses column(s) "
                        + String.join(", ", missing) + ", which the plan does not move.");
            } else if (kind.equals("c")) {
                checks.add(new CheckConstraint(constraint, definition, (Boolean) row[3]));
            } else {
                indexConstraints.add(new NamedDefinition(constraint, definition));
                builtOnIndexes.add((Long) row[5]);
            }
        }
        for (Object[] row : Catalog.rows(connection, INDEXES, row -> new Object[] {row.getString(1), row.getBoolean(2),
                row.getString(3), row.getString(4), Catalog.array(row, 5), row.getBoolean(6), row.getLong(7)}, table)) {
            String index = (String) row[0];
            String definition = (String) row[2];
            String prefix = (String) row[3];
            @SuppressWarnings("unchecked")
            List<String> missing = ((List<String>) row[4]).stream().filter(c -> !moved.contains(c)).toList();
            if (!(Boolean) row[5]) {
                notes.add("The index " + Sql.ident(index) + " of " + name + " is left out: it is not valid on the source "
                        + "(a failed CREATE INDEX CONCURRENTLY leaves such an index behind).");
            } else if (!missing.isEmpty()) {
                notes.add("The index " + Sql.ident(index) + " of " + name + " is left out: it uses column(s) "
                        + String.join(", ", missing) + ", which the plan does not move.");
            } else if (!definition.startsWith(prefix)) {
                throw new SQLException("unexpected definition of index " + index + ": " + definition);
            } else {
                indexes.add(new Index(index, (Boolean) row[1], definition.substring(prefix.length())));
                builtOnIndexes.add((Long) row[6]);
            }
        }
        readForeignKeys(connection, table, name, moved, ownOnly);
        if (!builtOnIndexes.isEmpty()) {
            for (String[] extension : Catalog.rows(connection, INDEX_EXTENSIONS,
                    row -> new String[] {row.getString(1), row.getString(2)},
                    connection.createArrayOf("oid", builtOnIndexes.toArray()))) {
                extensions.put(extension[0], extension[1]);
            }
        }
    }

    private static Index keyIndex(Connection connection, long index) throws SQLException {
        String[] row = Catalog.rows(connection, KEY_INDEX,
                r -> new String[] {r.getString(1), r.getString(2), r.getString(3)}, index).get(0);
        if (!row[1].startsWith(row[2])) {
            throw new SQLException("unexpected definition of primary key index " + row[0] + ": " + row[1]);
        }
        return new Index(row[0], true, row[1].substring(row[2].length()));
    }

    private void readForeignKeys(Connection connection, long table, QualifiedName name, Set<String> moved, String ownOnly)
            throws SQLException {
        for (Object[] row : Catalog.rows(connection, FOREIGN_KEYS.formatted(ownOnly), row -> new Object[] {
                row.getString(1), row.getString(2), row.getBoolean(3), row.getString(4), row.getString(5),
                Catalog.array(row, 6), Catalog.array(row, 7), row.getString(8)}, table)) {
            String constraint = (String) row[0];
            String definition = (String) row[1];
            @SuppressWarnings("unchecked")
            List<String> columns = (List<String>) row[5];
            @SuppressWarnings("unchecked")
            List<String> referencedColumns = (List<String>) row[6];
            String references = (String) row[7];
            Set<String> missing = new HashSet<>(columns);
            missing.removeAll(moved);
            int at = definition.indexOf(references);
            if (!missing.isEmpty()) {
                notes.add("The foreign key " + constraint + " of " + name + " is left out: it uses column(s) "
                        + String.join(", ", missing) + ", which the plan does not move.");
            } else if (at < 0) {
                throw new SQLException("unexpected definition of foreign key " + constraint + ": " + definition);
            } else {
                String actions = definition.substring(at + references.length()).replace(" NOT VALID", "").trim();
                foreignKeys.add(new ForeignKey(constraint, columns, new QualifiedName((String) row[3], (String) row[4]),
                        referencedColumns, actions, (Boolean) row[2]));
            }
        }
    }
}
