package dev.safeshift.postgres;

import dev.safeshift.engine.ChunkMark;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code safeshift.copied_chunk} in the target database: one row per chunk whose copy committed,
 * written in the same transaction as the chunk's rows. After a crash the target itself says which
 * chunks are in, so no copy is ever repeated on top of itself and no range is ever deleted to make
 * room for one (a range delete runs in the target's key order, which may not be the source's).
 */
final class CopiedChunks {

    static final String TABLE = "safeshift.copied_chunk";

    private CopiedChunks() {
    }

    static void ensureExists(Connection target) throws SQLException {
        try (Statement statement = target.createStatement()) {
            statement.execute("CREATE SCHEMA IF NOT EXISTS safeshift");
            statement.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " ("
                    + "capture_name text NOT NULL, "
                    + "table_name text NOT NULL, "
                    + "chunk_no integer NOT NULL, "
                    + "rows_copied bigint NOT NULL, "
                    + "copied_at timestamptz NOT NULL DEFAULT clock_timestamp(), "
                    + "PRIMARY KEY (capture_name, table_name, chunk_no))");
        }
    }

    /** Marks the chunk copied, inside the caller's open transaction (the one holding its rows). */
    static void mark(Connection target, ChunkMark mark, long rows) throws SQLException {
        try (PreparedStatement insert = target.prepareStatement("INSERT INTO " + TABLE
                + " (capture_name, table_name, chunk_no, rows_copied) VALUES (?, ?, ?, ?)")) {
            insert.setString(1, mark.captureName());
            insert.setString(2, mark.table());
            insert.setInt(3, mark.chunkNo());
            insert.setLong(4, rows);
            insert.executeUpdate();
        }
    }

    /** Table → chunk number → rows, for every chunk of the capture that committed. */
    static Map<String, Map<Integer, Long>> list(Connection target, String captureName) throws SQLException {
        Map<String, Map<Integer, Long>> copied = new HashMap<>();
        if (!exists(target)) {
            return copied;
        }
        try (PreparedStatement select = target.prepareStatement(
                "SELECT table_name, chunk_no, rows_copied FROM " + TABLE + " WHERE capture_name = ?")) {
            select.setString(1, captureName);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    copied.computeIfAbsent(rows.getString(1), t -> new HashMap<>()).put(rows.getInt(2), rows.getLong(3));
                }
            }
        }
        return copied;
    }

    /** Removes the capture's marks (abort). */
    static void forget(Connection target, String captureName) throws SQLException {
        if (!exists(target)) {
            return;
        }
        try (PreparedStatement delete = target.prepareStatement("DELETE FROM " + TABLE + " WHERE capture_name = ?")) {
            delete.setString(1, captureName);
            delete.executeUpdate();
        }
    }

    private static boolean exists(Connection target) throws SQLException {
        try (Statement statement = target.createStatement();
             ResultSet rows = statement.executeQuery("SELECT to_regclass('" + TABLE + "') IS NOT NULL")) {
            rows.next();
            return rows.getBoolean(1);
        }
    }
}
