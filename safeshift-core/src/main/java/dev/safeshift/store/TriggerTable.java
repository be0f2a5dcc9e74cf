package dev.safeshift.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/** SQL for the {@code trigger_baseline} and {@code trigger_evaluation} tables. */
final class TriggerTable {

    private final Connection connection;
    private final StoreDialect dialect;
    private final String schema;

    TriggerTable(Connection connection, StoreDialect dialect, String schema) {
        this.connection = connection;
        this.dialect = dialect;
        this.schema = schema;
    }

    void insertBaseline(long migrationId, TriggerRecord baseline) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table("trigger_baseline")
                + " (migration_id, trigger_name, measured_at, value, samples, detail) VALUES (?, ?, ?, ?, ?, ?)")) {
            insert.setLong(1, migrationId);
            insert.setString(2, baseline.trigger());
            insert.setTimestamp(3, Timestamp.from(baseline.at()));
            setDouble(insert, 4, baseline.value());
            insert.setLong(5, baseline.samples());
            insert.setString(6, baseline.reason());
            insert.executeUpdate();
        }
    }

    /** The latest baseline of each trigger. */
    List<TriggerRecord> latestBaselines(long migrationId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(dialect.latestBaselines(table("trigger_baseline")))) {
            select.setLong(1, migrationId);
            List<TriggerRecord> baselines = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    baselines.add(TriggerRecord.baseline(rows.getString(1), rows.getTimestamp(2).toInstant(),
                            optionalDouble(rows, 3), rows.getLong(4), rows.getString(5)));
                }
            }
            return baselines;
        }
    }

    void insertEvaluation(long migrationId, TriggerRecord evaluation) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table("trigger_evaluation")
                + " (migration_id, trigger_name, evaluated_at, verdict, value, threshold, samples, consecutive, fired,"
                + " reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setLong(1, migrationId);
            insert.setString(2, evaluation.trigger());
            insert.setTimestamp(3, Timestamp.from(evaluation.at()));
            insert.setString(4, evaluation.verdict());
            setDouble(insert, 5, evaluation.value());
            setDouble(insert, 6, evaluation.threshold());
            insert.setLong(7, evaluation.samples());
            insert.setInt(8, evaluation.consecutive());
            insert.setBoolean(9, evaluation.fired());
            insert.setString(10, evaluation.reason());
            insert.executeUpdate();
        }
    }

    List<TriggerRecord> evaluations(long migrationId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT trigger_name, evaluated_at, verdict, value,"
                + " threshold, samples, consecutive, fired, reason FROM " + table("trigger_evaluation")
                + " WHERE migration_id = ? ORDER BY evaluated_at, trigger_name")) {
            select.setLong(1, migrationId);
            List<TriggerRecord> evaluations = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    evaluations.add(new TriggerRecord(rows.getString(1), rows.getTimestamp(2).toInstant(),
                            rows.getString(3), optionalDouble(rows, 4), optionalDouble(rows, 5), rows.getLong(6),
                            rows.getInt(7), rows.getBoolean(8), rows.getString(9)));
                }
            }
            return evaluations;
        }
    }

    private static void setDouble(PreparedStatement statement, int index, OptionalDouble value) throws SQLException {
        if (value.isPresent()) {
            statement.setDouble(index, value.getAsDouble());
        } else {
            statement.setNull(index, Types.DOUBLE);
        }
    }

    private static OptionalDouble optionalDouble(ResultSet rows, int index) throws SQLException {
        double value = rows.getDouble(index);
        return rows.wasNull() ? OptionalDouble.empty() : OptionalDouble.of(value);
    }

    private String table(String name) {
        return dialect.table(schema, name);
    }
}
