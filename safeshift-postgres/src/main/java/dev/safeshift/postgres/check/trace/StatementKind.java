package dev.safeshift.postgres.check.trace;

import dev.safeshift.postgres.parse.PgNode;
import java.util.Optional;
import java.util.Set;

/**
 * The kinds of statement the tracer must not run as it runs the others, told by the statement's
 * parse tree:
 * <ul>
 *   <li>Transaction control (BEGIN, COMMIT, SAVEPOINT, PREPARE TRANSACTION, ...) would end or nest
 *       the transaction the tracer wraps around each statement, so the rollback would undo nothing
 *       or too much.</li>
 *   <li>Statements on roles, databases, tablespaces, server settings and subscriptions act on the
 *       whole scratch server, which may serve others (or even be the source's server): applying them
 *       there is not the tracer's to do.</li>
 * </ul>
 */
final class StatementKind {

    private static final Set<String> SERVER_WIDE = Set.of(
            "CREATEROLESTMT", "ALTERROLESTMT", "ALTERROLESETSTMT", "DROPROLESTMT", "GRANTROLESTMT",
            "CREATEDBSTMT", "ALTERDATABASESTMT", "ALTERDATABASESETSTMT", "ALTERDATABASEREFRESHCOLLSTMT", "DROPDBSTMT",
            "CREATETABLESPACESTMT", "DROPTABLESPACESTMT", "ALTERTABLESPACEOPTIONSSTMT", "ALTERTABLEMOVEALLSTMT",
            "ALTERSYSTEMSTMT", "CREATESUBSCRIPTIONSTMT", "ALTERSUBSCRIPTIONSTMT", "DROPSUBSCRIPTIONSTMT",
            "REASSIGNOWNEDSTMT", "DROPOWNEDSTMT");

    private StatementKind() {
    }

    /** Why the tracer must not run the statement with this tree, or empty when it may. */
    static Optional<String> refusal(PgNode tree) {
        if (tree.is("TRANSACTIONSTMT")) {
            return Optional.of("it is transaction control, and the tracer runs each statement in a transaction of its own "
                    + "that it rolls back; it was not run");
        }
        if (SERVER_WIDE.contains(tree.tag())) {
            return Optional.of("it changes the whole scratch server (roles, databases, tablespaces, server settings or "
                    + "subscriptions), not only the scratch database; it was not run");
        }
        return Optional.empty();
    }
}
