package dev.safeshift.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Running catalog queries and reading their results. */
final class Catalog {

    /** Object ids below this are PostgreSQL's own (built-in types keep their ids in every database). */
    static final long FIRST_USER_OID = 16_384;

    private Catalog() {
    }

    /** A query's work on a connection. */
    interface Work<T> {
        T run() throws SQLException;
    }

    /** Reads one row of a result. */
    interface Row<T> {
        T read(ResultSet row) throws SQLException;
    }

    /**
     * Runs {@code work} with {@code search_path} set to {@code pg_catalog} only, so that everything
     * the catalog functions print ({@code format_type}, {@code pg_get_expr}, {@code pg_get_constraintdef},
     * {@code pg_get_indexdef}) names other objects with their schema and reads the same in any database.
     */
    static <T> T qualified(Connection connection, Work<T> work) throws SQLException {
        String before = text(connection, "SELECT current_setting('search_path')");
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT set_config('search_path', 'pg_catalog', false)");
        }
        try {
            return work.run();
        } finally {
            try (PreparedStatement statement = connection.prepareStatement("SELECT set_config('search_path', ?, false)")) {
                statement.setString(1, before);
                statement.execute();
            } catch (SQLException e) {
                // the transaction failed; the connection's owner sees the original error
            }
        }
    }

    /** Runs {@code statements} in one transaction: all of them take effect, or none. */
    static void executeAll(Connection connection, List<String> statements) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /** {@code server_version_num}, e.g. 140005. */
    static int serverVersion(Connection connection) throws SQLException {
        return Integer.parseInt(text(connection, "SELECT current_setting('server_version_num')"));
    }

    static String text(Connection connection, String sql, Object... parameters) throws SQLException {
        List<String> values = rows(connection, sql, row -> row.getString(1), parameters);
        return values.isEmpty() ? null : values.get(0);
    }

    static List<String> strings(Connection connection, String sql, Object... parameters) throws SQLException {
        return rows(connection, sql, row -> row.getString(1), parameters);
    }

    static <T> List<T> rows(Connection connection, String sql, Row<T> reader, Object... parameters) throws SQLException {
        List<T> values = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    values.add(reader.read(rows));
                }
            }
        }
        return values;
    }

    /** The values of a SQL array column as Java strings (an empty list for NULL). */
    static List<String> array(ResultSet row, int column) throws SQLException {
        java.sql.Array array = row.getArray(column);
        if (array == null) {
            return List.of();
        }
        List<String> values = new ArrayList<>();
        for (Object value : (Object[]) array.getArray()) {
            values.add(value == null ? null : value.toString());
        }
        return values;
    }
}
