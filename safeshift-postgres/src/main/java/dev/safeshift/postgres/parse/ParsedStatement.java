package dev.safeshift.postgres.parse;

import java.util.Objects;
import java.util.Optional;

/**
 * One statement of a change script and what PostgreSQL's parser made of it.
 *
 * @param number  1-based position in the script (statements with only comments are not counted)
 * @param origin  where the script comes from, e.g. {@code V7__add_check.sql}
 * @param line    1-based line in the origin where the statement starts
 * @param sql     the statement as written, without the semicolon and surrounding blank space
 * @param tree    the statement's parse tree: the statement node for DDL and other utility
 *                statements (e.g. {@code ALTERTABLESTMT}), the analysed {@code QUERY} for
 *                {@code SELECT}, {@code INSERT}, {@code UPDATE}, {@code DELETE} and {@code MERGE};
 *                empty when the parser refused it
 * @param problem why there is no tree: the parser's message (a syntax error, or a name it could not
 *                resolve while analysing a query)
 */
public record ParsedStatement(int number, String origin, int line, String sql, Optional<PgNode> tree,
                              Optional<String> problem) {

    public ParsedStatement {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(sql, "sql");
        Objects.requireNonNull(tree, "tree");
        Objects.requireNonNull(problem, "problem");
        if (tree.isPresent() == problem.isPresent()) {
            throw new IllegalArgumentException("a statement has either a tree or a problem");
        }
    }

    /** "statement 3 (V7__add_check.sql line 12)", for findings and messages. */
    public String place() {
        return "statement " + number + " (" + origin + " line " + line + ")";
    }
}
