package dev.safeshift.postgres.check.trace;

import dev.safeshift.plan.QualifiedName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The relations of the scratch database at one moment inside a traced transaction: every table,
 * index, sequence, materialized view and TOAST relation of the user's schemas, with its storage
 * (relfilenode) and how many sequential scans the transaction has counted on it so far.
 *
 * <p>{@code pg_stat_get_xact_numscans} reads the backend's own counts that have not been sent to
 * the statistics system yet. They are sent only when the backend is idle outside a transaction
 * block, so two readings inside one transaction differ by exactly the scans in between, whatever
 * earlier transactions left unsent (on PostgreSQL 15 that is more than this transaction's own).
 */
final class Relations {

    private static final String QUERY = """
            WITH rel AS (
                SELECT c.oid, c.relkind::text AS kind, n.nspname, c.relname,
                       CASE WHEN n.nspname = 'pg_toast' THEN coalesce(
                           (SELECT t.oid FROM pg_class t WHERE t.reltoastrelid = c.oid),
                           (SELECT t.oid FROM pg_index i JOIN pg_class t ON t.reltoastrelid = i.indrelid
                             WHERE i.indexrelid = c.oid)) END AS owner
                  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.relkind IN ('r', 'p', 'i', 'I', 'S', 't', 'm')
                   AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                   AND n.nspname !~ '^pg_(toast_)?temp_')
            SELECT r.oid, r.kind, coalesce(owner_ns.nspname, r.nspname), coalesce(o.relname, r.relname),
                   pg_relation_filenode(r.oid), pg_stat_get_xact_numscans(r.oid), r.owner IS NOT NULL
              FROM rel r
              LEFT JOIN pg_class o ON o.oid = r.owner
              LEFT JOIN pg_namespace owner_ns ON owner_ns.oid = o.relnamespace
             WHERE r.nspname <> 'pg_toast'
                OR owner_ns.nspname NOT IN ('pg_catalog', 'information_schema')""";

    /**
     * One relation.
     *
     * @param name     as SQL writes it; TOAST relations by their table, see {@link HeldLock#relation()}
     * @param kind     {@code pg_class.relkind}
     * @param filenode its storage, or null for a relation without storage (a partitioned table)
     * @param seqScans sequential scans counted so far (index scans, for an index)
     */
    record Relation(long oid, String name, String kind, Long filenode, long seqScans) {

        /** A relation whose rows a sequential scan reads: a table, materialized view or TOAST table. */
        boolean isHeap() {
            return kind.equals("r") || kind.equals("m") || kind.equals("t");
        }
    }

    private final Map<Long, Relation> byOid;
    private final Map<String, Relation> byName;

    private Relations(Map<Long, Relation> byOid) {
        this.byOid = Map.copyOf(byOid);
        Map<String, Relation> names = new HashMap<>();
        byOid.values().forEach(r -> names.put(r.name(), r));
        this.byName = Map.copyOf(names);
    }

    static Relations read(Connection connection) throws SQLException {
        Map<Long, Relation> relations = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(QUERY); ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                String kind = rows.getString(2);
                long filenode = rows.getLong(5);
                Long storage = rows.wasNull() ? null : filenode;
                Relation relation = new Relation(rows.getLong(1),
                        name(kind, rows.getString(3), rows.getString(4), rows.getBoolean(7)), kind, storage, rows.getLong(6));
                relations.put(relation.oid(), relation);
            }
        }
        return new Relations(relations);
    }

    /**
     * TOAST relations are named by the table they belong to (whose schema and name the query gives
     * for them): their own names hold an oid, which says nothing and changes when a rewrite swaps them.
     */
    private static String name(String kind, String schema, String relation, boolean toast) {
        String name = new QualifiedName(schema, relation).toString();
        return !toast ? name : name + (kind.equals("t") ? " (toast)" : " (toast index)");
    }

    Relation byOid(long oid) {
        return byOid.get(oid);
    }

    /** The tables (plain and partitioned), as SQL writes their names. */
    List<String> tables() {
        return byOid.values().stream().filter(r -> r.kind().equals("r") || r.kind().equals("p"))
                .map(Relation::name).sorted().toList();
    }

    /**
     * Relations that got new storage between {@code before} and {@code after}, matched by name: an
     * index that ALTER COLUMN TYPE drops and builds again keeps its name but not its oid, and keeps
     * its storage when PostgreSQL can reuse it.
     */
    static List<String> rewritten(Relations before, Relations after) {
        return after.byName.values().stream()
                .filter(now -> {
                    Relation then = before.byName.get(now.name());
                    return then != null && then.filenode() != null && now.filenode() != null
                            && !Objects.equals(then.filenode(), now.filenode());
                })
                .map(Relation::name)
                .toList();
    }

    /** Tables that sequential scans read between {@code before} and {@code after}, matched by oid (a rewrite keeps it). */
    static List<String> scanned(Relations before, Relations after) {
        return after.byOid.values().stream()
                .filter(Relation::isHeap)
                .filter(now -> {
                    Relation then = before.byOid.get(now.oid());
                    return now.seqScans() > (then == null ? 0 : then.seqScans());
                })
                .map(Relation::name)
                .toList();
    }
}
