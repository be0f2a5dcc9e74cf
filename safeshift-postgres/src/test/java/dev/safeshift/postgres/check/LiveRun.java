package dev.safeshift.postgres.check;

import dev.safeshift.plan.QualifiedName;
import dev.safeshift.postgres.parse.ParsedStatement;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs a corpus script on a real server inside a transaction that is rolled back, and records what
 * its last statement did to each table: the lock modes it took (pg_locks of the session) and the
 * work the server did, told by what changed while it ran: a table with a new data file that was
 * read was rewritten, an index whose storage is new was built, rows counted in
 * pg_stat_xact_user_tables were written, a sequential scan counted there means the table was
 * read. TRUNCATE's new empty file without a read counts as catalog-only, as the rules say.
 */
final class LiveRun {

    /** A relation before or after the statement. */
    private record Relation(long oid, QualifiedName name, String kind, long fileNode, long bytes, long scans,
                            long written, long table) {
    }

    /** What the statement did, or the error the server refused it with. */
    record Observed(Map<QualifiedName, LockMode> newLocks, Map<QualifiedName, Set<LockMode>> heldBefore,
                    Map<QualifiedName, Work> work, Set<QualifiedName> created, Optional<String> error) {
    }

    private LiveRun() {
    }

    static Observed run(Connection connection, List<ParsedStatement> statements, int index) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            // A zone with an offset, so timestamp-to-timestamptz conversions rewrite as they do on most servers.
            statement.execute("SET LOCAL TimeZone = 'Europe/Berlin'");
            for (int i = 0; i < index; i++) {
                ParsedStatement earlier = statements.get(i);
                if (!earlier.tree().map(t -> t.is("TRANSACTIONSTMT")).orElse(false)) {
                    statement.execute(earlier.sql());
                }
            }
            Map<Long, Relation> before = relations(statement);
            Map<Long, Set<LockMode>> locksBefore = locks(statement);
            try {
                statement.execute(statements.get(index).sql());
            } catch (SQLException e) {
                return new Observed(Map.of(), Map.of(), Map.of(), Set.of(), Optional.of(e.getMessage()));
            }
            Map<Long, Relation> after = relations(statement);
            Map<Long, Set<LockMode>> locksAfter = locks(statement);
            return observe(before, after, locksBefore, locksAfter);
        } finally {
            connection.rollback();
            connection.setAutoCommit(true);
        }
    }

    private static Observed observe(Map<Long, Relation> before, Map<Long, Relation> after,
                                    Map<Long, Set<LockMode>> locksBefore, Map<Long, Set<LockMode>> locksAfter) {
        Map<QualifiedName, LockMode> newLocks = new HashMap<>();
        Map<QualifiedName, Set<LockMode>> held = new HashMap<>();
        Set<QualifiedName> created = new HashSet<>();
        Set<Long> tables = new HashSet<>(locksAfter.keySet());
        for (long oid : tables) {
            Relation relation = before.containsKey(oid) ? before.get(oid) : after.get(oid);
            if (relation == null || !Set.of("r", "p", "m").contains(relation.kind())) {
                continue;
            }
            Set<LockMode> earlier = locksBefore.getOrDefault(oid, Set.of());
            held.put(relation.name(), earlier);
            locksAfter.get(oid).stream().filter(m -> !earlier.contains(m)).max(Enum::compareTo)
                    .ifPresent(m -> newLocks.put(relation.name(), m));
            if (!before.containsKey(oid)) {
                created.add(relation.name());
            }
        }
        Set<Long> oldFiles = new HashSet<>();
        before.values().forEach(r -> oldFiles.add(r.fileNode()));
        Map<QualifiedName, Work> work = new HashMap<>();
        for (Relation was : before.values()) {
            if (!Set.of("r", "p", "m").contains(was.kind())) {
                continue;
            }
            Relation now = after.get(was.oid());
            if (now == null) {
                work.put(was.name(), Work.CATALOG_ONLY); // dropped
                continue;
            }
            boolean scanned = now.scans() > was.scans();
            boolean newFile = now.fileNode() != was.fileNode();
            if (newFile && now.bytes() == 0) {
                work.put(was.name(), Work.CATALOG_ONLY); // TRUNCATE: a new, empty file (its empty indexes are rebuilt)
                continue;
            }
            boolean rewritten = newFile && scanned;
            boolean indexBuilt = scanned && after.values().stream().anyMatch(i -> i.table() == was.oid()
                    && !oldFiles.contains(i.fileNode()));
            work.put(was.name(), rewritten ? Work.REWRITE : indexBuilt ? Work.INDEX_BUILD
                    : now.written() > was.written() ? Work.ROW_WRITES : scanned ? Work.FULL_SCAN : Work.CATALOG_ONLY);
        }
        return new Observed(newLocks, held, work, created, Optional.empty());
    }

    private static Map<Long, Relation> relations(Statement statement) throws SQLException {
        Map<Long, Relation> relations = new HashMap<>();
        try (ResultSet rows = statement.executeQuery("SELECT c.oid, n.nspname, c.relname, c.relkind, c.relfilenode, pg_relation_size(c.oid), "
                + "COALESCE(s.seq_scan, 0), COALESCE(s.n_tup_ins + s.n_tup_upd + s.n_tup_del, 0), COALESCE(i.indrelid, 0) "
                + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "LEFT JOIN pg_stat_xact_user_tables s ON s.relid = c.oid LEFT JOIN pg_index i ON i.indexrelid = c.oid "
                + "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') "
                + "AND n.nspname NOT LIKE 'pg_temp%' AND c.relkind IN ('r', 'p', 'm', 'i', 'I')")) {
            while (rows.next()) {
                relations.put(rows.getLong(1), new Relation(rows.getLong(1),
                        new QualifiedName(rows.getString(2), rows.getString(3)), rows.getString(4), rows.getLong(5),
                        rows.getLong(6), rows.getLong(7), rows.getLong(8), rows.getLong(9)));
            }
        }
        return relations;
    }

    private static Map<Long, Set<LockMode>> locks(Statement statement) throws SQLException {
        Map<Long, Set<LockMode>> locks = new HashMap<>();
        try (ResultSet rows = statement.executeQuery("SELECT relation, mode FROM pg_locks WHERE pid = pg_backend_pid() "
                + "AND locktype = 'relation' AND granted")) {
            while (rows.next()) {
                LockMode.ofPgName(rows.getString(2)).ifPresent(mode -> {
                    try {
                        locks.computeIfAbsent(rows.getLong(1), r -> new HashSet<>()).add(mode);
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
        }
        return locks;
    }
}
