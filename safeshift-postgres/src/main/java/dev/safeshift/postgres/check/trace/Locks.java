package dev.safeshift.postgres.check.trace;

import dev.safeshift.plan.QualifiedName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads the locks this backend holds, inside the traced transaction: relation locks, and locks on
 * types (ALTER TYPE ... ADD VALUE locks only its enum, for instance). Locks on the catalogs, taken
 * by the tracer's own queries as much as by the statement, and the transaction's own id locks are
 * left out: they say nothing about which of the application's queries the statement would block.
 */
final class Locks {

    /** Granted locks, and the one the backend waits for if any (a backend waits for one lock at a time). */
    private static final String HELD = """
            SELECT l.locktype, l.relation, l.objid, l.mode
              FROM pg_locks l
             WHERE l.pid = ?
               AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
               AND (l.locktype = 'relation' OR (l.locktype = 'object' AND l.classid = 'pg_type'::regclass))""";

    /**
     * Types a lock on which is worth reporting: those of the user's schemas, but for array types and
     * tables' row types (locked along with their table, whose lock says it all).
     */
    private static final String TYPES = """
            SELECT t.oid, n.nspname, t.typname
              FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
             WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
               AND n.nspname !~ '^pg_(toast_)?temp_'
               AND NOT EXISTS (SELECT 1 FROM pg_type e WHERE e.typarray = t.oid)
               AND (t.typrelid = 0 OR (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c')""";

    private Locks() {
    }

    /** The user's types by oid, each named {@code type schema.name}. */
    static Map<Long, String> types(Connection connection) throws SQLException {
        Map<Long, String> types = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(TYPES); ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                types.put(rows.getLong(1), "type " + new QualifiedName(rows.getString(2), rows.getString(3)));
            }
        }
        return types;
    }

    /**
     * The locks held now. A relation or type is named as it was before the statement when it existed
     * then (a statement that renames or drops a table locked the table it found), else as it is now
     * (one the statement created). What exists at neither moment is left out: the catalogs, and the
     * relations a statement makes and drops again itself, such as the new copy of a table a rewrite
     * builds before swapping it in, which no other session can know of, let alone wait for.
     */
    static List<HeldLock> held(Connection connection, Relations before, Relations after, Map<Long, String> typesBefore,
                               Map<Long, String> typesAfter) throws SQLException {
        return of(connection, backendPid(connection), before, after, typesBefore, typesAfter);
    }

    /**
     * The locks backend {@code pid} holds or waits for, named as by {@link #held}; {@code observer}
     * may be another session.
     */
    static List<HeldLock> of(Connection observer, int pid, Relations before, Relations after,
                             Map<Long, String> typesBefore, Map<Long, String> typesAfter) throws SQLException {
        TreeSet<HeldLock> locks = new TreeSet<>();
        try (PreparedStatement statement = observer.prepareStatement(HELD)) {
            statement.setInt(1, pid);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    String name;
                    if (rows.getString(1).equals("relation")) {
                        long oid = rows.getLong(2);
                        Relations.Relation relation = before.byOid(oid) != null ? before.byOid(oid) : after.byOid(oid);
                        name = relation == null ? null : relation.name();
                    } else {
                        long oid = rows.getLong(3);
                        name = typesBefore.getOrDefault(oid, typesAfter.get(oid));
                    }
                    if (name != null) {
                        locks.add(new HeldLock(name, rows.getString(4)));
                    }
                }
            }
        }
        return List.copyOf(locks);
    }

    static int backendPid(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_backend_pid()");
             ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
