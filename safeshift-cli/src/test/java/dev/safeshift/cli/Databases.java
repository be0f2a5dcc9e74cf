package dev.safeshift.cli;

import dev.safeshift.plan.Endpoint;
import dev.safeshift.testing.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

/** Statements and single values against a test's databases, on a connection of their own. */
final class Databases {

    private Databases() {
    }

    static void sql(Endpoint endpoint, String... statements) throws Exception {
        try (Connection connection = EmbeddedPostgres.connect(endpoint); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    /** The first column of the first row {@code query} returns. */
    static String scalar(Endpoint endpoint, String query) throws Exception {
        try (Connection connection = EmbeddedPostgres.connect(endpoint); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(query)) {
            rows.next();
            return rows.getString(1);
        }
    }
}
