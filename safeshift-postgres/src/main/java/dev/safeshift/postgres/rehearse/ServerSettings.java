package dev.safeshift.postgres.rehearse;

import dev.safeshift.plan.QualifiedName;
import dev.safeshift.postgres.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The source's settings that decide how a schema change works, which each rehearsal session takes
 * over so that the samples sort in the memory production sorts in and build indexes with the
 * workers production would use.
 *
 * @param session                  setting name to value with unit, as {@code current_setting} shows it
 * @param maxMaintenanceWorkers    {@code max_parallel_maintenance_workers}
 * @param minParallelScanPages     {@code min_parallel_table_scan_size}, in pages
 * @param blockSize                the page size
 * @param maintenanceWorkMemKb     {@code maintenance_work_mem}, in kB
 */
record ServerSettings(Map<String, String> session, int maxMaintenanceWorkers, long minParallelScanPages,
                      long blockSize, long maintenanceWorkMemKb) {

    /** What PostgreSQL wants each process of a parallel index build to have of maintenance_work_mem. */
    static final long MEMORY_PER_PROCESS_KB = 32 * 1024;

    /** What a statement of a change sorts and hashes in, and how many workers an index build may have. */
    private static final List<String> TAKEN_OVER = List.of("maintenance_work_mem", "work_mem",
            "max_parallel_maintenance_workers");

    static ServerSettings of(Connection source) throws SQLException {
        Map<String, String> session = new LinkedHashMap<>();
        for (String name : TAKEN_OVER) {
            session.put(name, text(source, "SELECT current_setting(" + Sql.literal(name) + ")"));
        }
        return new ServerSettings(session, Integer.parseInt(session.get("max_parallel_maintenance_workers")),
                Long.parseLong(text(source, "SELECT setting FROM pg_settings WHERE name = 'min_parallel_table_scan_size'")),
                Long.parseLong(text(source, "SELECT current_setting('block_size')")),
                Long.parseLong(text(source, "SELECT setting FROM pg_settings WHERE name = 'maintenance_work_mem'")));
    }

    void applyTo(Connection scratch) throws SQLException {
        try (Statement statement = scratch.createStatement()) {
            for (Map.Entry<String, String> setting : session.entrySet()) {
                statement.execute("SET " + setting.getKey() + " = " + Sql.literal(setting.getValue()));
            }
        }
    }

    /**
     * The workers PostgreSQL plans for building an index on a table of {@code heapBytes}, as its
     * {@code plan_create_index_workers} does: the table's own {@code parallel_workers} option (at
     * most {@code max_parallel_maintenance_workers}) when set; otherwise one worker from
     * {@code min_parallel_table_scan_size} and one more each time the table is three times larger,
     * at most {@code max_parallel_maintenance_workers}, then fewer until each process (workers and
     * leader) has 32 MB of {@code maintenance_work_mem}. The samples get the result as their
     * {@code parallel_workers} option, which the server takes as it is, without that memory rule:
     * so the rule is applied here.
     */
    int indexBuildWorkers(long heapBytes, OptionalInt tableOption) {
        if (tableOption.isPresent()) {
            return Math.min(tableOption.getAsInt(), maxMaintenanceWorkers);
        }
        long pages = heapBytes / blockSize;
        long threshold = Math.max(minParallelScanPages, 1);
        if (pages < threshold) {
            return 0;
        }
        int workers = 1;
        while (pages >= threshold * 3 && workers < maxMaintenanceWorkers) {
            workers++;
            threshold *= 3;
        }
        workers = Math.min(workers, maxMaintenanceWorkers);
        while (workers > 0 && maintenanceWorkMemKb / (workers + 1) < MEMORY_PER_PROCESS_KB) {
            workers--;
        }
        return workers;
    }

    /** The table's {@code parallel_workers} storage option on the source, if set. */
    static OptionalInt parallelWorkersOption(Connection source, QualifiedName table) throws SQLException {
        try (PreparedStatement statement = source.prepareStatement("SELECT option_value::int FROM pg_options_to_table("
                + "(SELECT reloptions FROM pg_class WHERE oid = to_regclass(?))) WHERE option_name = 'parallel_workers'")) {
            statement.setString(1, table.toString());
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? OptionalInt.of(rows.getInt(1)) : OptionalInt.empty();
            }
        }
    }

    private static String text(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }
}
