package dev.safeshift.postgres;

import dev.safeshift.plan.QualifiedName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Source tables closed to writes after a cutover: triggers that fail every INSERT, UPDATE, DELETE,
 * MERGE, COPY and TRUNCATE with an error naming the migration (SQLSTATE 25006, read-only), so an
 * application that still writes to the source learns it at once instead of writing rows the target
 * never sees.
 *
 * <p>The row trigger sits on the table (on a partitioned table it is cloned onto every partition,
 * present and future); TRUNCATE has only statement triggers, which PostgreSQL does not clone, so it
 * gets one on every member of the partition tree. Writes applied by Safeshift itself pass: the
 * triggers do not fire under {@code session_replication_role = replica}, and the function lets a
 * session through that set {@code safeshift.apply = on}, for a user that may not set the role.
 */
final class SourceClosure {

    static final String FUNCTION = "safeshift_refuse_write";
    static final String ROW_TRIGGER = "safeshift_moved";
    static final String TRUNCATE_TRIGGER = "safeshift_moved_truncate";
    /** The read-only SQLSTATE: the application's error handling already knows it. */
    static final String REFUSED_SQLSTATE = "25006";
    private static final String DEPENDENT_OBJECTS_STILL_EXIST = "2BP01";

    private SourceClosure() {
    }

    /** Closes {@code tables} in the caller's transaction (the fence's, which already holds them). */
    static void close(Connection connection, List<QualifiedName> tables, String migration) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String schema : schemasOf(tables)) {
                if (!functionExists(connection, schema)) {
                    // created once per schema and shared: replacing one another role owns would fail
                    statement.execute(functionDefinition(schema));
                }
            }
            for (QualifiedName table : tables) {
                String function = Sql.ident(table.schema()) + "." + FUNCTION;
                // the moved table is named in the message, also when a partition refuses the write
                String argument = Sql.literal(migration) + ", " + Sql.literal(table.toString());
                statement.execute("DROP TRIGGER IF EXISTS " + ROW_TRIGGER + " ON " + Sql.table(table));
                statement.execute("CREATE TRIGGER " + ROW_TRIGGER + " BEFORE INSERT OR UPDATE OR DELETE ON "
                        + Sql.table(table) + " FOR EACH ROW EXECUTE FUNCTION " + function + "(" + argument + ")");
                for (String member : partitionTree(connection, table)) {
                    statement.execute("DROP TRIGGER IF EXISTS " + TRUNCATE_TRIGGER + " ON " + member);
                    statement.execute("CREATE TRIGGER " + TRUNCATE_TRIGGER + " BEFORE TRUNCATE ON " + member
                            + " FOR EACH STATEMENT EXECUTE FUNCTION " + function + "(" + argument + ")");
                }
            }
        }
    }

    /** Removes the closure from {@code tables}, in the caller's transaction; tables without it are left alone. */
    static void reopen(Connection connection, List<QualifiedName> tables) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (QualifiedName table : tables) {
                if (!exists(connection, table)) {
                    continue;
                }
                statement.execute("DROP TRIGGER IF EXISTS " + ROW_TRIGGER + " ON " + Sql.table(table));
                for (String member : partitionTree(connection, table)) {
                    statement.execute("DROP TRIGGER IF EXISTS " + TRUNCATE_TRIGGER + " ON " + member);
                }
            }
            for (String schema : schemasOf(tables)) {
                // shared by every migration closing tables of this schema: dropped once no trigger uses it
                statement.execute("SAVEPOINT drop_function");
                try {
                    statement.execute("DROP FUNCTION IF EXISTS " + Sql.ident(schema) + "." + FUNCTION + "() RESTRICT");
                    statement.execute("RELEASE SAVEPOINT drop_function");
                } catch (SQLException e) {
                    if (!DEPENDENT_OBJECTS_STILL_EXIST.equals(e.getSQLState())) {
                        throw e;
                    }
                    statement.execute("ROLLBACK TO SAVEPOINT drop_function"); // another migration's trigger uses it
                }
            }
        }
    }

    /** How many of {@code tables} carry the row trigger of a closure. */
    static int closedCount(Connection connection, List<QualifiedName> tables) throws SQLException {
        int closed = 0;
        try (PreparedStatement select = connection.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_trigger"
                + " WHERE tgrelid = to_regclass(?) AND tgname = ? AND NOT tgisinternal)")) {
            for (QualifiedName table : tables) {
                select.setString(1, Sql.table(table));
                select.setString(2, ROW_TRIGGER);
                try (ResultSet rows = select.executeQuery()) {
                    rows.next();
                    if (rows.getBoolean(1)) {
                        closed++;
                    }
                }
            }
        }
        return closed;
    }

    /** What keeps the connected user from closing {@code tables}: a missing privilege, said as a sentence. */
    static List<String> problems(Connection connection, List<QualifiedName> tables) throws SQLException {
        List<String> problems = new ArrayList<>();
        try (PreparedStatement schema = connection.prepareStatement("SELECT has_schema_privilege(current_user, ?, 'CREATE')");
             PreparedStatement table = connection.prepareStatement("SELECT has_table_privilege(current_user, ?, 'TRIGGER')")) {
            for (String name : schemasOf(tables)) {
                schema.setString(1, name);
                try (ResultSet rows = schema.executeQuery()) {
                    rows.next();
                    if (!rows.getBoolean(1)) {
                        problems.add("the source user may not create objects in schema " + Sql.ident(name)
                                + " (GRANT CREATE ON SCHEMA " + Sql.ident(name) + "), where the function that refuses"
                                + " writes after the switch goes");
                    }
                }
            }
            for (QualifiedName name : tables) {
                for (String member : partitionTree(connection, name)) {
                    table.setString(1, member);
                    try (ResultSet rows = table.executeQuery()) {
                        rows.next();
                        if (!rows.getBoolean(1)) {
                            problems.add("the source user may not create triggers on " + member + " (GRANT TRIGGER ON "
                                    + member + "), which refuse writes to it after the switch");
                        }
                    }
                }
            }
            try (PreparedStatement lockable = connection.prepareStatement("SELECT has_table_privilege(current_user, ?, 'UPDATE')"
                    + " OR has_table_privilege(current_user, ?, 'DELETE') OR has_table_privilege(current_user, ?, 'TRUNCATE')")) {
                for (QualifiedName name : tables) {
                    for (int i = 1; i <= 3; i++) {
                        lockable.setString(i, Sql.table(name));
                    }
                    try (ResultSet rows = lockable.executeQuery()) {
                        rows.next();
                        if (!rows.getBoolean(1)) {
                            problems.add("the source user may not lock " + Sql.table(name) + " against writes, which needs"
                                    + " UPDATE, DELETE or TRUNCATE on it (GRANT UPDATE ON " + Sql.table(name) + ")");
                        }
                    }
                }
            }
            try (PreparedStatement owner = connection.prepareStatement("SELECT pg_has_role(current_user, p.proowner, 'USAGE')"
                    + " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ? AND p.proname = ?")) {
                for (String name : schemasOf(tables)) {
                    owner.setString(1, name);
                    owner.setString(2, FUNCTION);
                    try (ResultSet rows = owner.executeQuery()) {
                        if (rows.next() && !rows.getBoolean(1)) {
                            problems.add("the function " + Sql.ident(name) + "." + FUNCTION + " that refuses writes after"
                                    + " a switch exists already and belongs to another role; the source user cannot use it"
                                    + " for this migration's triggers (drop it, or let the source user act as its owner)");
                        }
                    }
                }
            }
        }
        return problems;
    }

    private static boolean functionExists(Connection connection, String schema) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT to_regprocedure(?) IS NOT NULL")) {
            select.setString(1, Sql.ident(schema) + "." + FUNCTION + "()");
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        }
    }

    private static String functionDefinition(String schema) {
        return "CREATE OR REPLACE FUNCTION " + Sql.ident(schema) + "." + FUNCTION + "() RETURNS trigger"
                + " LANGUAGE plpgsql AS $safeshift$\n"
                + "BEGIN\n"
                + "  IF current_setting('safeshift.apply', true) = 'on' THEN\n"
                + "    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;\n"
                + "  END IF;\n"
                + "  RAISE EXCEPTION USING ERRCODE = '" + REFUSED_SQLSTATE + "',\n"
                + "    MESSAGE = format('%s has moved to another database (Safeshift migration %s) and takes no writes here',"
                + " coalesce(TG_ARGV[1], format('%I.%I', TG_TABLE_SCHEMA, TG_TABLE_NAME)), TG_ARGV[0]),\n"
                + "    HINT = 'Write to the target database, or run safeshift status for the migration.';\n"
                + "END\n"
                + "$safeshift$";
    }

    private static Set<String> schemasOf(List<QualifiedName> tables) {
        Set<String> schemas = new LinkedHashSet<>();
        tables.forEach(table -> schemas.add(table.schema()));
        return schemas;
    }

    private static boolean exists(Connection connection, QualifiedName table) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            select.setString(1, Sql.table(table));
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        }
    }

    /** The table and, when it is partitioned, every partition below it, as quoted names. */
    private static List<String> partitionTree(Connection connection, QualifiedName table) throws SQLException {
        List<String> members = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT n.nspname, c.relname"
                + " FROM pg_partition_tree(to_regclass(?)) p JOIN pg_class c ON c.oid = p.relid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace ORDER BY p.level, c.relname")) {
            select.setString(1, Sql.table(table));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    members.add(Sql.ident(rows.getString(1)) + "." + Sql.ident(rows.getString(2)));
                }
            }
        }
        if (members.isEmpty()) {
            members.add(Sql.table(table)); // not partitioned: pg_partition_tree lists nothing for an ordinary table
        }
        return members;
    }
}
