package dev.safeshift.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/**
 * The control store on PostgreSQL: every PostgreSQL-specific statement of the store, and the scripts
 * in {@code db/safeshift}.
 *
 * <p>It lives in core, not in safeshift-postgres with the rest of PostgreSQL, because core's own tests
 * open control stores on an embedded PostgreSQL, and core cannot depend on safeshift-postgres, which
 * depends on core. It registers through the same {@link java.util.ServiceLoader} file as any other
 * dialect, so core finds it like one it does not know: a dialect for another database comes with that
 * database's engine module, with its own scripts, and needs no change here.
 *
 * <p>Times are {@code clock_timestamp()}, not {@code now()}: {@code now()} is the transaction's start,
 * and events written one after the other in a transaction must not share a time.
 */
public final class PostgresStoreDialect implements StoreDialect {

    private static final String PREFIX = "jdbc:postgresql:";

    /**
     * Each script's version and checksum. A script added or edited without updating this list fails
     * ControlStoreSchemaIT; an edited script also no longer matches existing stores, so never edit one.
     */
    private static final Map<String, Integer> SCRIPTS = Map.of(
            "1", -1129093177,
            "2", 1704941420,
            "3", -355965358,
            "4", 1875184012,
            "5", -1256905871,
            "6", -200179299);

    @Override
    public String name() {
        return "PostgreSQL";
    }

    @Override
    public boolean serves(String jdbcUrl) {
        return jdbcUrl.startsWith(PREFIX);
    }

    @Override
    public String scriptLocation() {
        return "classpath:db/safeshift";
    }

    @Override
    public Map<String, Integer> scriptChecksums() {
        return SCRIPTS;
    }

    @Override
    public String creatableCheck() {
        return "SELECT n.oid IS NOT NULL,"
                + " has_database_privilege(current_database(), 'CREATE'),"
                + " n.oid IS NOT NULL AND has_schema_privilege(n.oid, 'CREATE'),"
                // the catalog, unlike to_regclass, answers without USAGE on the schema
                + " EXISTS (SELECT 1 FROM pg_class c WHERE c.relnamespace = n.oid AND c.relname = ?), current_database()"
                + " FROM (SELECT 1) AS one LEFT JOIN pg_namespace n ON n.nspname = ?";
    }

    @Override
    public String tableExists() {
        return "SELECT EXISTS (SELECT 1 FROM pg_class c"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?)";
    }

    @Override
    public String grantCreateSchema(String database, String user) {
        return "GRANT CREATE ON DATABASE " + database + " TO " + user;
    }

    @Override
    public String grantCreateTables(String schema, String user) {
        return "GRANT CREATE, USAGE ON SCHEMA " + schema + " TO " + user;
    }

    @Override
    public String table(String schema, String name) {
        return '"' + schema + "\"." + name;
    }

    @Override
    public String now() {
        return "clock_timestamp()";
    }

    @Override
    public String secondsBeforeNow() {
        return "clock_timestamp() - make_interval(secs => ?)";
    }

    @Override
    public String millisSince(String column) {
        return "(extract(epoch FROM clock_timestamp() - " + column + ") * 1000)::bigint";
    }

    @Override
    public String registerMigration(String migrationTable, String returnedColumns) {
        return "INSERT INTO " + migrationTable
                + " (name, phase, plan_json) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING " + returnedColumns;
    }

    @Override
    public String allowPurge() {
        // read by the timeline's append-only trigger (V1); SET LOCAL ends with the transaction
        return "SET LOCAL safeshift.allow_purge = 'on'";
    }

    @Override
    public String recordCapture(String streamTable) {
        return "INSERT INTO " + streamTable
                + " (migration_id, direction, slot_name, publication_name, source_system_id, source_database)"
                + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (migration_id, direction) DO UPDATE SET slot_name = EXCLUDED.slot_name,"
                + " publication_name = EXCLUDED.publication_name, source_system_id = EXCLUDED.source_system_id,"
                + " source_database = EXCLUDED.source_database, start_position = NULL, applied_position = NULL,"
                + " lag_bytes = NULL, lag_millis = NULL, events_applied = 0, reported_at = NULL,"
                + " retained_wal_bytes = NULL";
    }

    @Override
    public String setRoute(String routeTable, String returnedColumns) {
        return "INSERT INTO " + routeTable
                + " AS r (migration_id, route, epoch, resume_to, paused_until, changed_by)"
                + " VALUES (?, ?, 1, ?, clock_timestamp() + make_interval(secs => ?), ?)"
                + " ON CONFLICT (migration_id) DO UPDATE SET route = EXCLUDED.route, epoch = r.epoch + 1,"
                + " resume_to = EXCLUDED.resume_to, paused_until = EXCLUDED.paused_until,"
                + " changed_by = EXCLUDED.changed_by, changed_at = clock_timestamp()"
                + " RETURNING " + returnedColumns;
    }

    @Override
    public String latestBaselines(String baselineTable) {
        return "SELECT DISTINCT ON (trigger_name) trigger_name,"
                + " measured_at, value, samples, detail FROM " + baselineTable + " WHERE migration_id = ?"
                + " ORDER BY trigger_name, measured_at DESC";
    }

    @Override
    public boolean tryLock(Connection connection, long key) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            statement.setLong(1, key);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getBoolean(1);
            }
        }
    }

    // pg_locks shows a 64-bit advisory key as classid (high half) and objid (low half), objsubid 1.

    @Override
    public boolean holdsLock(Connection connection, long key) throws SQLException {
        return advisoryLockListed(connection, key, "pid = pg_backend_pid()");
    }

    @Override
    public boolean lockHeld(Connection connection, long key) throws SQLException {
        return advisoryLockListed(connection, key,
                "database = (SELECT oid FROM pg_database WHERE datname = current_database())");
    }

    /** Whether pg_locks lists the advisory lock {@code key} as granted to a session that {@code holder} selects. */
    private static boolean advisoryLockListed(Connection connection, long key, String holder) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_locks"
                + " WHERE locktype = 'advisory' AND granted AND objsubid = 1 AND classid::bigint = ?"
                + " AND objid::bigint = ? AND " + holder + ")")) {
            statement.setQueryTimeout(10);
            statement.setLong(1, key >>> 32);
            statement.setLong(2, key & 0xFFFF_FFFFL);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() && rows.getBoolean(1);
            }
        }
    }

    @Override
    public void unlock(Connection connection, long key) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            statement.setQueryTimeout(10);
            statement.setLong(1, key);
            statement.execute();
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
