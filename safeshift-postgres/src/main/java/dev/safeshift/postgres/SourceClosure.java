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

    private SourceClosure() {
    }

    /** Closes {@code tables} in the caller's transaction (the fence's, which already holds them). */
    static void close(Connection connection, List<QualifiedName> tables, String migration) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String schema : schemasOf(tables)) {
                statement.execute(functionDefinition(schema));
            }
            for (QualifiedName table : tables) {
                String function = Sql.ident(table.schema()) + "." + FUNCTION;
                String argument = Sql.literal(migration);
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
                } catch (SQLException stillUsed) {
                    statement.execute("ROLLBACK TO SAVEPOINT drop_function");
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
                table.setString(1, Sql.table(name));
                try (ResultSet rows = table.executeQuery()) {
                    rows.next();
                    if (!rows.getBoolean(1)) {
                        problems.add("the source user may not create triggers on " + Sql.table(name) + " (GRANT TRIGGER ON "
                                + Sql.table(name) + "), which refuse writes to it after the switch");
                    }
                }
            }
        }
        return problems;
    }

    private static String functionDefinition(String schema) {
        return "CREATE OR REPLACE FUNCTION " + Sql.ident(schema) + "." + FUNCTION + "() RETURNS trigger"
                + " LANGUAGE plpgsql AS $safeshift$\n"
                + "BEGIN\n"
                + "  IF current_setting('safeshift.apply', true) = 'on' THEN\n"
                + "    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;\n"
                + "  END IF;\n"
                + "  RAISE EXCEPTION USING ERRCODE = '" + REFUSED_SQLSTATE + "',\n"
                + "    MESSAGE = format('%I.%I has moved to another database (Safeshift migration %s) and takes no writes here',"
                + " TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_ARGV[0]),\n"
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
        try (PreparedStatement select = connection.prepareStatement("SELECT format('%I.%I', n.nspname, c.relname)"
                + " FROM pg_partition_tree(to_regclass(?)) p JOIN pg_class c ON c.oid = p.relid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace ORDER BY p.level, c.relname")) {
            select.setString(1, Sql.table(table));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    members.add(rows.getString(1));
                }
            }
        }
        if (members.isEmpty()) {
            members.add(Sql.table(table)); // not partitioned: pg_partition_tree lists nothing for an ordinary table
        }
        return members;
    }
}
