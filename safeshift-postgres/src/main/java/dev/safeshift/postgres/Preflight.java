package dev.safeshift.postgres;

import dev.safeshift.SafeshiftException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Checks that the source can feed a logical replication slot before anything is created. */
final class Preflight {

    private Preflight() {
    }

    static void checkSource(Connection source) throws SQLException {
        String walLevel = setting(source, "wal_level");
        if (!"logical".equals(walLevel)) {
            throw new SafeshiftException(SafeshiftException.Kind.SOURCE_NOT_READY,
                    "the source database has wal_level = " + walLevel + ", but change capture needs wal_level = logical. "
                            + "Run ALTER SYSTEM SET wal_level = logical; on the source and restart PostgreSQL "
                            + "(the setting is read only at server start).");
        }
        int slots = Integer.parseInt(setting(source, "max_replication_slots"));
        if (slots < 1) {
            throw new SafeshiftException(SafeshiftException.Kind.SOURCE_NOT_READY,
                    "the source database has max_replication_slots = 0; Safeshift needs one slot per migration. "
                            + "Raise it with ALTER SYSTEM SET max_replication_slots = 10; and restart PostgreSQL.");
        }
        if (!"on".equals(setting(source, "standard_conforming_strings"))) {
            throw new SafeshiftException(SafeshiftException.Kind.SOURCE_NOT_READY,
                    "the source database has standard_conforming_strings = off; Safeshift needs it on (the default). "
                            + "Run ALTER DATABASE ... SET standard_conforming_strings = on.");
        }
        try (Statement statement = source.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT rolsuper OR rolreplication, current_user FROM pg_roles WHERE rolname = current_user")) {
            if (rows.next() && !rows.getBoolean(1)) {
                throw new SafeshiftException(SafeshiftException.Kind.SOURCE_NOT_READY,
                        "the source user " + rows.getString(2) + " may not create replication slots. Grant it with "
                                + "ALTER ROLE " + Sql.ident(rows.getString(2)) + " WITH REPLICATION; (it also needs "
                                + "to own the tables or be able to create a publication for them).");
            }
        }
    }

    private static String setting(Connection connection, String name) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT current_setting('" + name + "')")) {
            rows.next();
            return rows.getString(1);
        }
    }
}
