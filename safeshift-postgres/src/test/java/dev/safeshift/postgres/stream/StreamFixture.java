package dev.safeshift.postgres.stream;

import dev.safeshift.engine.ColumnInfo;
import dev.safeshift.engine.TableInfo;
import dev.safeshift.engine.TableMove;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.testing.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Source and target databases with a capture, as the engine leaves them before the stream opens.
 * Closing drops the test's replication slots: the shared server has only a few, and an unused
 * slot holds on to log files.
 */
final class StreamFixture implements AutoCloseable {

    final Endpoint source;
    final Endpoint target;
    final String captureName;

    StreamFixture(String prefix) {
        this.source = EmbeddedPostgres.newDatabase(prefix + "_src");
        this.target = EmbeddedPostgres.newDatabase(prefix + "_tgt");
        this.captureName = prefix + "_capture";
    }

    /** Runs statements on the source, each in its own transaction. */
    void source(String... statements) {
        run(source, statements);
    }

    void target(String... statements) {
        run(target, statements);
    }

    /** Runs statements on the source in one transaction. */
    void sourceTransaction(String... statements) {
        try (Connection connection = EmbeddedPostgres.connect(source); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            for (String sql : statements) {
                statement.execute(sql);
            }
            connection.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void run(Endpoint endpoint, String... statements) {
        try (Connection connection = EmbeddedPostgres.connect(endpoint); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    void createCapture(String... tables) {
        source("CREATE PUBLICATION " + captureName + " FOR TABLE " + String.join(", ", tables),
                "SELECT pg_create_logical_replication_slot('" + captureName + "', 'pgoutput')");
    }

    /** The table as the engine describes it: declared types with modifiers, key in key order. */
    TableInfo describe(String schema, String table) {
        String columnsSql = "SELECT a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull "
                + "FROM pg_attribute a WHERE a.attrelid = format('%I.%I', ?, ?)::regclass AND a.attnum > 0 "
                + "AND NOT a.attisdropped ORDER BY a.attnum";
        String keySql = "SELECT a.attname FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, ord) "
                + "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
                + "WHERE i.indrelid = format('%I.%I', ?, ?)::regclass AND i.indisprimary ORDER BY k.ord";
        try (Connection connection = EmbeddedPostgres.connect(source)) {
            try (java.sql.Statement qualify = connection.createStatement()) {
                qualify.execute("SET search_path = pg_catalog"); // types schema-qualified, as the engine prints them
            }
            List<ColumnInfo> columns = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement(columnsSql)) {
                statement.setString(1, schema);
                statement.setString(2, table);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        columns.add(new ColumnInfo(rows.getString(1), rows.getString(2), rows.getBoolean(3), null));
                    }
                }
            }
            List<String> key = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement(keySql)) {
                statement.setString(1, schema);
                statement.setString(2, table);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        key.add(rows.getString(1));
                    }
                }
            }
            return new TableInfo(new QualifiedName(schema, table), columns, key, 0, 0, List.of());
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    TableMove move(String schema, String table, QualifiedName targetName) {
        return new TableMove(describe(schema, table), targetName);
    }

    /** Every row as PostgreSQL prints it, in key order: equal lists mean equal tables. */
    static List<String> rows(Endpoint endpoint, String qualifiedTable, String orderBy) {
        List<String> rows = new ArrayList<>();
        try (Connection connection = EmbeddedPostgres.connect(endpoint); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT whole_row::text FROM " + qualifiedTable + " whole_row ORDER BY " + orderBy)) {
            while (result.next()) {
                rows.add(result.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    /** Where two row lists first differ, shortened for reading; empty when they are equal. */
    static Optional<String> firstDifference(List<String> expected, List<String> actual) {
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            if (!expected.get(i).equals(actual.get(i))) {
                return Optional.of("row " + i + ": expected " + shorten(expected.get(i)) + " but was " + shorten(actual.get(i)));
            }
        }
        return expected.size() == actual.size() ? Optional.empty()
                : Optional.of("expected " + expected.size() + " rows but found " + actual.size());
    }

    private static String shorten(String row) {
        return row.length() <= 1500 ? row : row.substring(0, 700) + " ... " + row.substring(row.length() - 700);
    }

    static long count(Endpoint endpoint, String sql) {
        try (Connection connection = EmbeddedPostgres.connect(endpoint); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static String text(Endpoint endpoint, String sql) {
        try (Connection connection = EmbeddedPostgres.connect(endpoint); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The applied position row of this capture: commit_lsn, event_lsn, events_applied. */
    Optional<long[]> appliedPosition() {
        try (Connection connection = EmbeddedPostgres.connect(target); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT commit_lsn, event_lsn, events_applied FROM "
                     + "safeshift.applied_position WHERE capture_name = '" + captureName + "'")) {
            return result.next() ? Optional.of(new long[] {result.getLong(1), result.getLong(2), result.getLong(3)})
                    : Optional.empty();
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return Optional.empty(); // the stream has not created the table yet
            }
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        source("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                + "WHERE NOT active AND database = current_database()");
    }

    boolean slotActive() {
        return count(source, "SELECT count(*) FROM pg_replication_slots WHERE active AND slot_name = '" + captureName + "'") > 0;
    }
}
