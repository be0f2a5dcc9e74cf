package dev.safeshift.jdbc;

import dev.safeshift.SafeshiftException;
import dev.safeshift.plan.Endpoint;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** Opens JDBC connections and turns connection failures into messages a user can act on. */
public final class Connections {

    private Connections() {
    }

    public static Connection open(Endpoint endpoint, String role) {
        try {
            return DriverManager.getConnection(endpoint.url(), endpoint.user(), endpoint.password().orElse(null));
        } catch (SQLException e) {
            throw new SafeshiftException(SafeshiftException.Kind.UNREACHABLE,
                    "cannot connect to the " + role + " database at " + endpoint.redactedUrl() + ": " + e.getMessage(), e);
        }
    }
}
