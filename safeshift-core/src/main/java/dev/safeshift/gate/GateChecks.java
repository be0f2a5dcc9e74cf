package dev.safeshift.gate;

import dev.safeshift.jdbc.Connections;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.GateSpec;
import dev.safeshift.plan.Plan;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the gate's own checks ({@code gate.checks}): each query in a read-only transaction with a
 * statement timeout, on the source or the target. A check passes only when it answers exactly one
 * row with one boolean column that is true; anything else, an error included, fails it with what
 * was found.
 */
public final class GateChecks {

    static final String STATEMENT_TIMEOUT = "30s";

    private GateChecks() {
    }

    public static List<Criterion> run(Plan plan) {
        List<Criterion> results = new ArrayList<>();
        for (GateSpec.Check check : plan.gate().map(GateSpec::checks).orElse(List.of())) {
            Endpoint endpoint = "source".equals(check.database()) ? plan.source() : plan.moveTarget();
            results.add(run(check, endpoint));
        }
        return results;
    }

    private static Criterion run(GateSpec.Check check, Endpoint endpoint) {
        String name = "check:" + check.name();
        String where = " (on the " + check.database() + ")";
        try (Connection connection = Connections.open(endpoint, check.database())) {
            connection.setAutoCommit(false);
            connection.setReadOnly(true);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET LOCAL statement_timeout = '" + STATEMENT_TIMEOUT + "'");
                try (ResultSet rows = statement.executeQuery(check.sql())) {
                    if (rows.getMetaData().getColumnCount() != 1 || rows.getMetaData().getColumnType(1) != Types.BIT
                            && rows.getMetaData().getColumnType(1) != Types.BOOLEAN) {
                        return Criterion.fail(name, "the query does not answer one boolean column" + where);
                    }
                    if (!rows.next()) {
                        return Criterion.fail(name, "the query answered no row" + where);
                    }
                    boolean value = rows.getBoolean(1);
                    boolean isNull = rows.wasNull();
                    if (rows.next()) {
                        return Criterion.fail(name, "the query answered more than one row" + where);
                    }
                    if (isNull) {
                        return Criterion.fail(name, "the query answered NULL" + where);
                    }
                    return value ? Criterion.pass(name, "true" + where) : Criterion.fail(name, "false" + where);
                }
            } finally {
                connection.rollback();
            }
        } catch (SQLException e) {
            return Criterion.fail(name, "the query failed" + where + ": " + e.getMessage());
        } catch (RuntimeException e) {
            return Criterion.fail(name, "the " + check.database() + " could not be asked: " + e.getMessage());
        }
    }
}
