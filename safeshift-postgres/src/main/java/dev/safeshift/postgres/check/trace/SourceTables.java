package dev.safeshift.postgres.check.trace;

import dev.safeshift.SafeshiftException;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.postgres.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the scratch copy needs to know of the source beyond what the move engine reads: whether
 * each table can be traced faithfully, and what its definition needs that the engine expects the
 * target to have already (extensions, and sequences that defaults use without owning them).
 * Everything here only reads the source.
 */
final class SourceTables {

    private static final String RELATION = """
            SELECT c.relkind::text, c.relispartition,
                   (SELECT quote_ident(pn.nspname) || '.' || quote_ident(p.relname) FROM pg_inherits i
                      JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace
                     WHERE i.inhrelid = c.oid LIMIT 1),
                   EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhparent = c.oid),
                   c.relpersistence::text,
                   EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p' AND k.condeferrable)
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = ? AND c.relname = ?""";

    /** Sequences named in a table's defaults that no column of that table owns (serial and identity ones the engine creates). */
    private static final String FREE_SEQUENCES = """
            SELECT DISTINCT sn.nspname, sc.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement,
                   s.seqmin, s.seqmax, s.seqcache, s.seqcycle
              FROM pg_attrdef ad
              JOIN pg_depend d ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid
                              AND d.refclassid = 'pg_class'::regclass
              JOIN pg_class sc ON sc.oid = d.refobjid AND sc.relkind = 'S'
              JOIN pg_namespace sn ON sn.oid = sc.relnamespace
              JOIN pg_sequence s ON s.seqrelid = sc.oid
             WHERE ad.adrelid = format('%I.%I', ?, ?)::regclass
               AND NOT EXISTS (SELECT 1 FROM pg_depend o
                                WHERE o.classid = 'pg_class'::regclass AND o.objid = sc.oid
                                  AND o.refclassid = 'pg_class'::regclass AND o.refobjid = ad.adrelid
                                  AND o.deptype IN ('a', 'i'))""";

    private SourceTables() {
    }

    /**
     * Refuses, before anything is created, tables whose copy would not be the table the statements
     * meet in production: the engine moves a partitioned table as one plain table, and a partition
     * or a member of an inheritance tree alone would lose its parent; an unlogged table would be
     * copied logged, and a deferrable primary key as one that is not.
     */
    static void refuseUntraceable(Connection source, List<QualifiedName> tables) throws SQLException {
        List<String> problems = new ArrayList<>();
        for (QualifiedName table : tables) {
            try (PreparedStatement statement = source.prepareStatement(RELATION)) {
                statement.setString(1, table.schema());
                statement.setString(2, table.name());
                try (ResultSet row = statement.executeQuery()) {
                    if (!row.next()) {
                        problems.add(table + " does not exist on the source");
                    } else if (row.getString(1).equals("p") || row.getBoolean(2)) {
                        problems.add(table + (row.getBoolean(2) ? " is a partition of " + row.getString(3) : " is partitioned")
                                + ": partitioned tables are not copied yet");
                    } else if (row.getString(3) != null || row.getBoolean(4)) {
                        problems.add(table + " belongs to an inheritance tree (INHERITS): inheritance trees are not "
                                + "copied yet");
                    } else if (!row.getString(1).equals("r")) {
                        problems.add(table + " is not a table (relkind " + row.getString(1) + "): only tables are copied");
                    } else if (row.getString(5).equals("u")) {
                        problems.add(table + " is UNLOGGED: unlogged tables are not copied yet");
                    } else if (row.getBoolean(6)) {
                        problems.add(table + " has a DEFERRABLE primary key: such tables are not copied yet");
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new SafeshiftException(SafeshiftException.Kind.UNSUPPORTED_TABLE,
                    "cannot copy these tables to a scratch database (check --trace and rehearse work on "
                            + "such a copy): " + String.join("; ", problems) + ". Nothing was created. Leave them out "
                            + "of the plan's tables and change to trace or rehearse the rest.");
        }
    }

    /** The source database's encoding, which the scratch database gets too. */
    static String encoding(Connection source) throws SQLException {
        return text(source, "SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()");
    }

    /** The source's extensions (but the always-present plpgsql), by name, with the schema each lives in. */
    static Map<String, String> extensions(Connection source) throws SQLException {
        Map<String, String> extensions = new LinkedHashMap<>();
        try (PreparedStatement statement = source.prepareStatement("SELECT e.extname, n.nspname FROM pg_extension e "
                + "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql' ORDER BY e.oid");
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                extensions.put(rows.getString(1), rows.getString(2));
            }
        }
        return extensions;
    }

    /** The statements that create the sequences {@code table}'s defaults use without owning them. */
    static List<String> freeSequences(Connection source, QualifiedName table) throws SQLException {
        List<String> statements = new ArrayList<>();
        try (PreparedStatement statement = source.prepareStatement(FREE_SEQUENCES)) {
            statement.setString(1, table.schema());
            statement.setString(2, table.name());
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    statements.add("CREATE SCHEMA IF NOT EXISTS " + Sql.ident(rows.getString(1)));
                    statements.add("CREATE SEQUENCE IF NOT EXISTS " + Sql.ident(rows.getString(1)) + "."
                            + Sql.ident(rows.getString(2)) + " AS " + rows.getString(3) + " START WITH " + rows.getLong(4)
                            + " INCREMENT BY " + rows.getLong(5) + " MINVALUE " + rows.getLong(6) + " MAXVALUE "
                            + rows.getLong(7) + " CACHE " + rows.getLong(8) + (rows.getBoolean(9) ? " CYCLE" : " NO CYCLE"));
                }
            }
        }
        return statements;
    }

    private static String text(Connection connection, String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql); ResultSet rows = statement.executeQuery()) {
            return rows.next() ? rows.getString(1) : null;
        }
    }
}
