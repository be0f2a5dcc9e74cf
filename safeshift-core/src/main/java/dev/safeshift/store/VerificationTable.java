package dev.safeshift.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.safeshift.verify.Scope;
import dev.safeshift.verify.VerificationJson;
import dev.safeshift.verify.VerificationReport;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/** SQL for the {@code verification} table: one row per finished verification. */
final class VerificationTable {

    private static final String COLUMNS = "id, migration_id, started_at, finished_at, recorded_at, scope_kind,"
            + " sample_percent, seed, clean, rows_checked, chunks_checked, chunks_mismatched, missing_in_target,"
            + " extra_in_target, differing, unsettled";

    private final Connection connection;
    private final StoreDialect dialect;
    private final String schema;

    VerificationTable(Connection connection, StoreDialect dialect, String schema) {
        this.connection = connection;
        this.dialect = dialect;
        this.schema = schema;
    }

    VerificationSummary insert(long migrationId, VerificationReport report) throws SQLException {
        // id and recorded_at come from the database, which also rounds the times to microseconds:
        // the row it returns is what later reads will see
        VerificationSummary totals = VerificationSummary.of(0, migrationId, Instant.EPOCH, report);
        String reportJson = Json.text(VerificationJson.toJson(report, ControlStore.STORED_DIFFERENCES_PER_TABLE));
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table() + " (migration_id,"
                + " started_at, finished_at, scope_kind, sample_percent, seed, clean, rows_checked, chunks_checked,"
                + " chunks_mismatched, missing_in_target, extra_in_target, differing, unsettled, report_json)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING " + COLUMNS)) {
            Scope scope = totals.scope();
            insert.setLong(1, migrationId);
            insert.setObject(2, OffsetDateTime.ofInstant(totals.startedAt(), ZoneOffset.UTC));
            insert.setObject(3, OffsetDateTime.ofInstant(totals.finishedAt(), ZoneOffset.UTC));
            insert.setString(4, kind(scope));
            if (scope.isFull()) {
                insert.setNull(5, Types.DOUBLE);
                insert.setNull(6, Types.BIGINT);
            } else {
                insert.setDouble(5, scope.samplePercent().getAsDouble());
                insert.setLong(6, scope.seed());
            }
            insert.setBoolean(7, totals.clean());
            insert.setLong(8, totals.rowsChecked());
            insert.setLong(9, totals.chunksChecked());
            insert.setLong(10, totals.chunksMismatched());
            insert.setLong(11, totals.missingInTarget());
            insert.setLong(12, totals.extraInTarget());
            insert.setLong(13, totals.differing());
            insert.setLong(14, totals.unsettled());
            insert.setString(15, reportJson);
            try (ResultSet rows = insert.executeQuery()) {
                rows.next();
                return summary(rows);
            }
        }
    }

    /** The verification that finished last, if any did. */
    Optional<VerificationSummary> latest(long migrationId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM " + table()
                + " WHERE migration_id = ? ORDER BY finished_at DESC, id DESC LIMIT 1")) {
            select.setLong(1, migrationId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(summary(rows)) : Optional.empty();
            }
        }
    }

    /** The latest {@code limit} verifications, newest first. */
    List<VerificationSummary> recent(long migrationId, int limit) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM " + table()
                + " WHERE migration_id = ? ORDER BY finished_at DESC, id DESC LIMIT ?")) {
            select.setLong(1, migrationId);
            select.setInt(2, limit);
            List<VerificationSummary> found = new java.util.ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    found.add(summary(rows));
                }
            }
            return found;
        }
    }

    /** The timeline's account of a verification: the totals, never row data (keys or values). */
    static String timelineDetail(VerificationSummary summary) {
        ObjectNode detail = Json.object().put("verification", summary.id()).put("scope", kind(summary.scope()));
        if (!summary.scope().isFull()) {
            detail.put("samplePercent", summary.scope().samplePercent().getAsDouble())
                    .put("seed", summary.scope().seed());
        }
        detail.put("clean", summary.clean()).put("durationMillis", summary.duration().toMillis());
        return Json.text(summary.putCounts(detail));
    }

    private static String kind(Scope scope) {
        return scope.isFull() ? "full" : "sample";
    }

    private static VerificationSummary summary(ResultSet rows) throws SQLException {
        double percent = rows.getDouble("sample_percent");
        Scope scope = rows.wasNull() ? Scope.full() : new Scope(OptionalDouble.of(percent), rows.getLong("seed"));
        return new VerificationSummary(rows.getLong("id"), rows.getLong("migration_id"), Rows.instant(rows, "started_at"),
                Rows.instant(rows, "finished_at"), Rows.instant(rows, "recorded_at"), scope, rows.getBoolean("clean"),
                rows.getLong("rows_checked"), rows.getLong("chunks_checked"), rows.getLong("chunks_mismatched"),
                rows.getLong("missing_in_target"), rows.getLong("extra_in_target"), rows.getLong("differing"),
                rows.getLong("unsettled"));
    }

    private String table() {
        return dialect.table(schema, "verification");
    }
}
