package dev.safeshift.plan;

import java.util.Objects;
import java.util.Optional;

/**
 * One piece of SQL of a plan's {@code change}, as written: an entry of the list in the plan, or
 * one migration file. It may hold one statement or several; splitting it is left to a SQL parser,
 * which can report a statement's place as line {@code firstLine + n - 1} of {@code origin} for the
 * statement on line {@code n} of {@code sql}.
 *
 * @param origin      where the SQL is, for people: the plan file's name and the line of the list
 *                    entry ({@code plan.yaml line 14}), or the migration file's path as the plan
 *                    writes it ({@code migrations/V7_1__add_amount_check.sql})
 * @param version     the Flyway version of a migration file named {@code V<version>__<description>.sql},
 *                    normalized as Flyway writes it ({@code 7.1} for {@code V7_1__...}); empty otherwise
 * @param description the description of such a file, with {@code _} read as spaces ({@code add amount check})
 * @param sql         the SQL text, exactly as written (without a byte order mark); never blank
 * @param firstLine   the 1-based line of the file holding the SQL (the plan file for SQL written in
 *                    it, else the migration file) on which {@code sql} begins
 */
public record ChangeScript(String origin, Optional<String> version, Optional<String> description, String sql,
                           int firstLine) {

    public ChangeScript {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(sql, "sql");
        if (sql.isBlank()) {
            throw new IllegalArgumentException("the SQL of " + origin + " is blank");
        }
        if (firstLine < 1) {
            throw new IllegalArgumentException("lines count from 1, not " + firstLine);
        }
    }

    /** SQL written in the plan itself, which has no version or description. */
    public static ChangeScript inline(String origin, String sql, int firstLine) {
        return new ChangeScript(origin, Optional.empty(), Optional.empty(), sql, firstLine);
    }

    /** How many lines the SQL spans. */
    public long lineCount() {
        return sql.lines().count();
    }
}
