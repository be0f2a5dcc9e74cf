package dev.safeshift.postgres;

import dev.safeshift.postgres.SourceDefinition.ColumnSequence;
import dev.safeshift.postgres.SourceDefinition.SequenceReference;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the sequences behind a table's columns: identity sequences, sequences owned by a column
 * (serial-style), and sequences a default only uses.
 */
final class SourceSequences {

    /** Sequences that belong to a column: identity ('i') or owned, as serial creates them ('a'). */
    private static final String OWNED = """
            SELECT a.attname, d.deptype = 'i', quote_ident(sc.relname), format_type(s.seqtypid, NULL),
                   s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle
              FROM pg_depend d
              JOIN pg_class sc ON sc.oid = d.objid AND sc.relkind = 'S'
              JOIN pg_sequence s ON s.seqrelid = sc.oid
              JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
             WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
               AND d.refobjid = ? AND d.deptype IN ('a', 'i')""";

    /** Sequences that column defaults name, and the column owning each, if any. */
    private static final String IN_DEFAULTS = """
            SELECT a.attname, quote_literal(sc.oid::regclass::text), quote_ident(sn.nspname) || '.' || quote_ident(sc.relname),
                   (SELECT oa.attname FROM pg_depend o JOIN pg_attribute oa ON oa.attrelid = o.refobjid AND oa.attnum = o.refobjsubid
                     WHERE o.classid = 'pg_class'::regclass AND o.objid = sc.oid AND o.refclassid = 'pg_class'::regclass
                       AND o.refobjid = ad.adrelid AND o.deptype = 'a')
              FROM pg_attrdef ad
              JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
              JOIN pg_depend d ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid AND d.refclassid = 'pg_class'::regclass
              JOIN pg_class sc ON sc.oid = d.refobjid AND sc.relkind = 'S'
              JOIN pg_namespace sn ON sn.oid = sc.relnamespace
             WHERE ad.adrelid = ?""";

    final Map<String, ColumnSequence> byColumn = new LinkedHashMap<>();
    final Map<String, List<SequenceReference>> defaults = new LinkedHashMap<>();
    final Set<String> required = new LinkedHashSet<>();

    /** Reads inside {@link Catalog#qualified}; only the {@code moved} columns count. */
    SourceSequences(Connection connection, long table, Set<String> moved) throws SQLException {
        for (Object[] row : Catalog.rows(connection, OWNED, row -> new Object[] {row.getString(1), row.getBoolean(2),
                row.getString(3), row.getString(4), options(row.getLong(5), row.getLong(6), row.getLong(7),
                row.getLong(8), row.getLong(9), row.getBoolean(10))}, table)) {
            String column = (String) row[0];
            if (moved.contains(column)) {
                byColumn.put(column, new ColumnSequence((Boolean) row[1], (String) row[2], (String) row[3], (String) row[4]));
            }
        }
        for (String[] row : Catalog.rows(connection, IN_DEFAULTS, row -> new String[] {row.getString(1), row.getString(2),
                row.getString(3), row.getString(4)}, table)) {
            String column = row[0];
            if (!moved.contains(column)) {
                continue;
            }
            Optional<String> owner = Optional.ofNullable(row[3]).filter(moved::contains);
            defaults.computeIfAbsent(column, c -> new ArrayList<>()).add(new SequenceReference(row[1], row[2], owner));
            if (owner.isEmpty()) {
                required.add(row[2]);
            }
        }
    }

    private static String options(long start, long increment, long min, long max, long cache, boolean cycle) {
        return "START WITH " + start + " INCREMENT BY " + increment + " MINVALUE " + min + " MAXVALUE " + max
                + " CACHE " + cache + (cycle ? " CYCLE" : " NO CYCLE");
    }
}
