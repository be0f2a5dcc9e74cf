package dev.safeshift.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * The SQL of the control store that differs between databases. The store's tables, their columns and
 * everything the store does with them stay in core; a dialect only says how its database writes the
 * few statements and expressions that have no common form (upserts, the time, session locks, catalog
 * lookups). Found with {@link java.util.ServiceLoader} by the control store's JDBC URL (see
 * {@link StoreDialects}), so a store on another database needs a dialect from that database's engine
 * module and no change in core.
 *
 * <p>Implementations are stateless and immutable: one instance serves every store and thread. Methods
 * that return SQL return complete text with {@code ?} parameters in the order each method documents;
 * the caller binds them. Table names arrive already qualified by {@link #table}.
 *
 * <p>What stays portable in core and is expected of every dialect's database: {@code INSERT ...
 * RETURNING} (PostgreSQL; MariaDB from 10.5), {@code SELECT ... FOR UPDATE}, {@code LIMIT ?},
 * {@code SELECT EXISTS (...)}, {@code coalesce}, and {@code SET TRANSACTION ISOLATION LEVEL
 * REPEATABLE READ, READ ONLY}.
 */
public interface StoreDialect {

    /** The database's name as people know it, e.g. {@code PostgreSQL}; used in messages. */
    String name();

    /** Whether this dialect speaks the database behind {@code jdbcUrl}, e.g. {@code jdbc:postgresql:...}. */
    boolean serves(String jdbcUrl);

    // --- schema versions ---

    /**
     * Where Flyway finds this database's {@code V<n>__<what>.sql} scripts, e.g.
     * {@code classpath:db/safeshift}. Flyway searches a location's sub-folders too, so one dialect's
     * location must not lie inside another's.
     */
    String scriptLocation();

    /**
     * Each script's version and Flyway checksum. A store whose history records exactly these, all
     * applied successfully, is current and unaltered, and is opened without starting Flyway, which
     * costs about half a second per command (most of it finding its plugins and scripts). Anything
     * else goes through Flyway, which upgrades or refuses. ControlStoreSchemaIT checks the
     * PostgreSQL list against its scripts.
     */
    Map<String, Integer> scriptChecksums();

    /**
     * One row of five columns about the store's schema, to fail fast when it would have to be
     * created and the user may not: whether the schema exists, whether the user may create a schema,
     * whether the user may create tables in it, whether the table named by the first parameter exists
     * in it, and the current database's name. Parameters: the table's name, the schema's name.
     * Answers without any right on the schema.
     */
    String creatableCheck();

    /** One row, one boolean: whether a table exists. Parameters: the schema's name, the table's name. */
    String tableExists();

    /** The statement an administrator runs to let {@code user} create the store's schema; shown in messages. */
    String grantCreateSchema(String database, String user);

    /** The statement an administrator runs to let {@code user} create tables in {@code schema}; shown in messages. */
    String grantCreateTables(String schema, String user);

    // --- names and time ---

    /** Table {@code name} in {@code schema}, quoted as this database quotes names. */
    String table(String schema, String name);

    /**
     * The current time by the store's clock, as an SQL expression. It must advance within a
     * transaction: events recorded one after the other in one transaction get distinct times.
     */
    String now();

    /** The time {@code ?} seconds (a double parameter) before {@link #now()}, as an SQL expression. */
    String secondsBeforeNow();

    /** Whole milliseconds from the time in {@code column} until {@link #now()}, as a bigint SQL expression. */
    String millisSince(String column);

    // --- statements with no common form ---

    /**
     * Inserts a migration unless one of that name exists, returning {@code returnedColumns} of the
     * inserted row and no row when it existed. Parameters: name, phase, plan JSON.
     */
    String registerMigration(String migrationTable, String returnedColumns);

    /**
     * Lets the statements that follow, in this transaction only, delete a migration's timeline,
     * which the store's scripts otherwise keep append-only. Undone by commit or rollback.
     */
    String allowPurge();

    /**
     * Inserts or replaces a stream's capture, clearing its start position and progress. Parameters:
     * migration id, direction, slot, publication, source system id, source database.
     */
    String recordCapture(String streamTable);

    /**
     * Inserts a migration's route at epoch 1, or replaces it and counts the epoch up, returning
     * {@code returnedColumns}. Parameters: migration id, route, resume-to route, seconds the pause
     * may last (a double, null when no pause), actor.
     */
    String setRoute(String routeTable, String returnedColumns);

    /**
     * Per trigger, its latest baseline: trigger name, measured at, value, samples, detail, ordered by
     * trigger name. Parameter: migration id.
     */
    String latestBaselines(String baselineTable);

    // --- the daemon lock ---
    //
    // Run here, not handed over as SQL: databases name and look up their session locks differently
    // (PostgreSQL by a 64-bit number that its lock table shows as two 32-bit halves, MariaDB by a
    // string), so even binding the key differs.

    /**
     * Takes the session-level lock {@code key} on {@code connection} without waiting; whether it was
     * free. Held until {@link #unlock} or until the session ends, however it ends.
     */
    boolean tryLock(Connection connection, long key) throws SQLException;

    /** Whether {@code connection}'s own session holds lock {@code key}; answers within ten seconds or fails. */
    boolean holdsLock(Connection connection, long key) throws SQLException;

    /** Whether any session of this database holds lock {@code key}, looked up without taking it. */
    boolean lockHeld(Connection connection, long key) throws SQLException;

    /** Releases lock {@code key} held by {@code connection}'s session; gives up after ten seconds. */
    void unlock(Connection connection, long key) throws SQLException;
}
