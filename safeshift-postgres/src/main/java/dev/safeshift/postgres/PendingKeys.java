package dev.safeshift.postgres;

import dev.safeshift.plan.QualifiedName;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * {@code safeshift.pending_key} in the target database: the target tables Safeshift created without
 * their primary key, to build it once the copy is done. A row is written in the transaction that
 * creates the table and deleted in the one that adds the key, so after a crash the target itself
 * says that a table without a key is waiting for it, and is not a table someone else made without one.
 */
final class PendingKeys {

    static final String TABLE = "safeshift.pending_key";

    private PendingKeys() {
    }

    /** Needs the {@code safeshift} schema ({@link CopiedChunks#ensureExists}). */
    static void ensureExists(Connection target) throws SQLException {
        try (Statement statement = target.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (table_name text PRIMARY KEY, "
                    + "created_at timestamptz NOT NULL DEFAULT clock_timestamp())");
        }
    }

    /** The statement that records {@code table} as waiting for its key, to run with its CREATE TABLE. */
    static String record(QualifiedName table) {
        return "INSERT INTO " + TABLE + " (table_name) VALUES (" + Sql.literal(Sql.table(table)) + ")"
                + " ON CONFLICT (table_name) DO NOTHING";
    }

    /** The statement that clears the record, to run in the transaction that adds the key. */
    static String clear(QualifiedName table) {
        return "DELETE FROM " + TABLE + " WHERE table_name = " + Sql.literal(Sql.table(table));
    }

    static boolean pending(Connection target, QualifiedName table) throws SQLException {
        return Catalog.text(target, "SELECT 1 FROM " + TABLE + " WHERE table_name = ?", Sql.table(table)) != null;
    }
}
