package dev.safeshift.store;

import dev.safeshift.SafeshiftException;
import dev.safeshift.plan.Endpoint;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * Creates and upgrades the control store's tables with versioned migrations: the scripts of the
 * store's {@link StoreDialect}, applied by Flyway.
 */
public final class StoreSchema {

    /** Flyway's record of applied versions, kept in the store's schema. */
    static final String HISTORY_TABLE = "flyway_schema_history";

    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    // The schema name is put into SQL text (it cannot be a bind parameter), so only plain
    // lower-case identifiers are accepted; PostgreSQL cuts names at 63 bytes.
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private StoreSchema() {
    }

    /** Returns {@code schema} if it is a safe schema name, else fails with a message naming the rule. */
    public static String validName(String schema) {
        if (schema == null || !NAME.matcher(schema).matches()) {
            throw new SafeshiftException(SafeshiftException.Kind.BAD_PLAN,
                    "'" + schema + "' is not a usable control store schema name: use lower-case letters, digits"
                            + " and underscores, starting with a letter or underscore, at most 63 characters."
                            + " Fix control.schema in the plan.");
        }
        return schema;
    }

    /**
     * Fails fast when the store's tables would have to be created and the user may not do that.
     * Flyway would find out too, but only after retrying for about ten seconds, and with a less
     * helpful message. A user who may only use an existing, complete store passes.
     */
    static void requireCreatable(Connection connection, StoreDialect dialect, Endpoint endpoint, String schema)
            throws SQLException {
        try (PreparedStatement check = connection.prepareStatement(dialect.creatableCheck())) {
            check.setString(1, HISTORY_TABLE);
            check.setString(2, schema);
            try (ResultSet rows = check.executeQuery()) {
                rows.next();
                boolean exists = rows.getBoolean(1);
                boolean mayCreateSchema = rows.getBoolean(2);
                boolean mayCreateTables = rows.getBoolean(3);
                boolean created = rows.getBoolean(4);
                String database = rows.getString(5);
                String user = endpoint.user();
                if (!exists && !mayCreateSchema) {
                    throw new SafeshiftException(SafeshiftException.Kind.STATE, "user '" + user
                            + "' may not create the control store schema '" + schema + "' in database '" + database
                            + "' at " + endpoint.redactedUrl() + ". Grant it (" + dialect.grantCreateSchema(database, user)
                            + "), or create the schema beforehand with that user as its owner.");
                }
                if (exists && !created && !mayCreateTables) {
                    throw new SafeshiftException(SafeshiftException.Kind.STATE, "user '" + user
                            + "' may not create the control store's tables in the existing schema '" + schema
                            + "' of database '" + database + "' at " + endpoint.redactedUrl() + ". Grant it ("
                            + dialect.grantCreateTables(schema, user) + "), or make that user the schema's owner.");
                }
            }
        }
    }

    /**
     * Whether {@code schema}'s history records exactly the dialect's {@link StoreDialect#scriptChecksums()},
     * all applied successfully. Not being allowed to read the history counts as not current: the full
     * check then says why.
     */
    static boolean isCurrent(Connection connection, StoreDialect dialect, String schema) throws SQLException {
        try (PreparedStatement exists = connection.prepareStatement(dialect.tableExists())) {
            exists.setString(1, schema);
            exists.setString(2, HISTORY_TABLE);
            try (ResultSet rows = exists.executeQuery()) {
                rows.next();
                if (!rows.getBoolean(1)) {
                    return false;
                }
            }
        }
        Map<String, Integer> applied = new HashMap<>();
        try (PreparedStatement history = connection.prepareStatement("SELECT version, checksum, success FROM "
                + schema + "." + HISTORY_TABLE + " WHERE version IS NOT NULL");
             ResultSet rows = history.executeQuery()) {
            while (rows.next()) {
                if (!rows.getBoolean("success")) {
                    return false;
                }
                applied.put(rows.getString("version"), rows.getInt("checksum"));
            }
        } catch (SQLException e) {
            if (INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                return false;
            }
            throw e;
        }
        return applied.equals(dialect.scriptChecksums());
    }

    /** Brings {@code schema} to the latest version, creating it when absent. Safe to run every time. */
    static void migrate(StoreDialect dialect, Endpoint endpoint, String schema) {
        Flyway flyway = Flyway.configure(StoreSchema.class.getClassLoader())
                .dataSource(endpoint.url(), endpoint.user(), endpoint.password().orElse(null))
                .schemas(schema)
                .defaultSchema(schema)
                .locations(dialect.scriptLocation())
                .table(HISTORY_TABLE)
                // Flyway's own messages go to the application's log, not the terminal.
                .loggers("slf4j")
                .load();
        try {
            flyway.migrate();
        } catch (FlywayException e) {
            throw new SafeshiftException(SafeshiftException.Kind.STATE,
                    "could not create or upgrade the control store schema '" + schema + "' at "
                            + endpoint.redactedUrl() + " (" + firstLine(e.getMessage()) + "). Check that user '"
                            + endpoint.user() + "' may create a schema in that database, or create it beforehand.", e);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        String trimmed = message.strip();
        int newline = trimmed.indexOf('\n');
        return newline < 0 ? trimmed : trimmed.substring(0, newline).strip();
    }
}
