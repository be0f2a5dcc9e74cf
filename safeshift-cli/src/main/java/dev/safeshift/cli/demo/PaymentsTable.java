package dev.safeshift.cli.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A realistic payments table, filled in the database itself (generate_series) so it is fast. The
 * SQL is shared with bench/backfill, which runs the same file through psql.
 */
public final class PaymentsTable {

    private static final String SCRIPT = "payments.sql";

    private PaymentsTable() {
    }

    public static void create(Connection connection, long rows) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : script().replace(":rows", Long.toString(rows)).split(";\\s*\\n")) {
                if (!sql.isBlank()) {
                    statement.execute(sql);
                }
            }
        }
    }

    private static String script() {
        try (InputStream in = PaymentsTable.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException(SCRIPT + " is missing from the jar");
            }
            // drop comment lines, which hold a ';'-free description only
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.startsWith("--"))
                    .reduce("", (all, line) -> all + line + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
