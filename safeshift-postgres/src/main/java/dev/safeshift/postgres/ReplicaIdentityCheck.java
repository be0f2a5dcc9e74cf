package dev.safeshift.postgres;

import dev.safeshift.SafeshiftException;
import dev.safeshift.plan.QualifiedName;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Refuses tables whose replica identity would hurt once Safeshift's publication includes them.
 * PostgreSQL rejects every UPDATE and DELETE on a published table that has no replica identity
 * (REPLICA IDENTITY NOTHING, or DEFAULT without a primary key): the application's writes would
 * fail. With USING INDEX on an index other than the primary key, the log identifies old rows by
 * that index's columns, so a primary-key change could not be followed. Both are refused before any
 * publication exists; Safeshift never changes a table's replica identity itself. For a partitioned
 * table every partition is checked, since the rows (and the check) live there.
 */
final class ReplicaIdentityCheck {

    /** The table and, for a partitioned table, every partition below it. */
    private static final String RELATIONS = """
            WITH RECURSIVE tree(relid) AS (
                SELECT ?::oid
                UNION ALL
                SELECT i.inhrelid FROM pg_inherits i JOIN tree t ON i.inhparent = t.relid)
            SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), c.relkind, c.relreplident,
                   EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary),
                   (SELECT quote_ident(ic.relname) || CASE WHEN i.indisprimary THEN ' (the primary key)' ELSE '' END
                      FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
                     WHERE i.indrelid = c.oid AND i.indisreplident),
                   (SELECT i.indisprimary FROM pg_index i WHERE i.indrelid = c.oid AND i.indisreplident)
              FROM tree JOIN pg_class c ON c.oid = tree.relid JOIN pg_namespace n ON n.oid = c.relnamespace
             ORDER BY 1""";

    private ReplicaIdentityCheck() {
    }

    static void check(Connection source, long table, QualifiedName name) throws SQLException {
        List<String> problems = new ArrayList<>();
        List<String> fixes = new ArrayList<>();
        for (Object[] row : Catalog.rows(source, RELATIONS, row -> new Object[] {row.getString(1), row.getString(2),
                row.getString(3), row.getBoolean(4), row.getString(5), row.getObject(6)}, table)) {
            String relation = (String) row[0];
            boolean partitionedParent = "p".equals(row[1]);
            String identity = (String) row[2];
            boolean hasKey = (Boolean) row[3];
            switch (identity) {
                case "n" -> {
                    problems.add(relation + " has REPLICA IDENTITY NOTHING");
                    fixes.add("ALTER TABLE " + relation + " REPLICA IDENTITY DEFAULT;");
                }
                case "i" -> {
                    if (!Boolean.TRUE.equals(row[5])) {
                        problems.add(relation + " has REPLICA IDENTITY USING INDEX " + row[4] + ", an index other than "
                                + "its primary key");
                        fixes.add("ALTER TABLE " + relation + " REPLICA IDENTITY DEFAULT;");
                    }
                }
                case "d" -> {
                    if (!hasKey && !partitionedParent) {
                        problems.add(relation + " has no primary key for its default replica identity");
                        fixes.add("ALTER TABLE " + relation + " ADD PRIMARY KEY (...);");
                    }
                }
                default -> {
                    // FULL: the log carries whole old rows, primary key included
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new SafeshiftException(SafeshiftException.Kind.UNSUPPORTED_TABLE,
                    "the source table " + name + " cannot be captured safely: " + String.join("; ", problems)
                            + ". Once Safeshift's publication includes a table without a usable replica identity, "
                            + "PostgreSQL rejects every UPDATE and DELETE the application makes on it, and a replica "
                            + "identity other than the primary key hides primary-key changes from the change stream. "
                            + "Nothing was created. Fix it on the source, then run again: " + String.join(" ", fixes)
                            + " (REPLICA IDENTITY FULL works too).");
        }
    }
}
