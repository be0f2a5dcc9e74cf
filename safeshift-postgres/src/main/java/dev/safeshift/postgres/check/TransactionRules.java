package dev.safeshift.postgres.check;

import static dev.safeshift.check.Severity.HIGH;
import static dev.safeshift.check.Severity.MEDIUM;

import dev.safeshift.plan.QualifiedName;
import dev.safeshift.postgres.check.Pg17.TransactionStmtKind;
import dev.safeshift.postgres.check.Pg17.VariableSetKind;
import dev.safeshift.postgres.parse.PgNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Transaction blocks and settings, and the rules that need the script around a statement: a
 * lock taken without a lock_timeout, ACCESS EXCLUSIVE locks piling up in one transaction, rows
 * written while a schema change still holds its lock, a block left open.
 */
final class TransactionRules {

    static final Rule REQUIRE_TIMEOUT_SETTINGS = new Rule("require-timeout-settings", MEDIUM,
            "SHARE or stronger", "any", "A statement that takes a lock blocking writes on an existing table while no "
            + "lock_timeout is set: if a long query holds a conflicting lock, the statement waits in the lock queue and "
            + "every query behind it waits too, for as long as that query runs",
            "SET lock_timeout = '5s' (or less) before it, and retry the migration when it times out",
            PgDocs.LOCK_TIMEOUT);
    static final Rule TRANSACTION_NESTING = new Rule("transaction-nesting", MEDIUM, "none", "none",
            "BEGIN inside an open transaction block (PostgreSQL only warns, and the first COMMIT ends both), or COMMIT / "
            + "ROLLBACK with no block open", "Open one block per script, or none when the migration tool opens it",
            PgDocs.BEGIN);
    static final Rule BAN_UNCOMMITTED_TRANSACTION = new Rule("ban-uncommitted-transaction", HIGH, "all locks taken in "
            + "the block", "none", "A script that ends inside BEGIN without COMMIT or ROLLBACK: what happens to its "
            + "changes and locks depends on how the session ends", "End the block with COMMIT", PgDocs.BEGIN);
    static final Rule MULTIPLE_ACCESS_EXCLUSIVE_IN_TRANSACTION = new Rule("multiple-access-exclusive-in-transaction",
            MEDIUM, "ACCESS EXCLUSIVE", "any", "A statement that takes ACCESS EXCLUSIVE inside a transaction block that "
            + "already holds ACCESS EXCLUSIVE from an earlier statement: each lock is held until COMMIT, so reads of the "
            + "first table wait for everything that follows, and taking locks one by one invites deadlocks",
            "One table's change per transaction; or take all the locks first, in a fixed order, with a lock_timeout",
            PgDocs.EXPLICIT_LOCKING);
    static final Rule BACKFILL_IN_SCHEMA_CHANGE_TRANSACTION = new Rule("backfill-in-schema-change-transaction", HIGH,
            "the schema change's lock, held through the writes", "ROW_WRITES", "INSERT, UPDATE, DELETE or MERGE in "
            + "the same transaction block as a schema change that took a lock blocking writes: the lock is held "
            + "until the writes finish and commit", "Commit the schema change first, then backfill in batches in "
            + "transactions of their own", PgDocs.EXPLICIT_LOCKING);

    private TransactionRules() {
    }

    static List<Rule> rules() {
        return List.of(REQUIRE_TIMEOUT_SETTINGS, TRANSACTION_NESTING, BAN_UNCOMMITTED_TRANSACTION,
                MULTIPLE_ACCESS_EXCLUSIVE_IN_TRANSACTION, BACKFILL_IN_SCHEMA_CHANGE_TRANSACTION);
    }

    static boolean transaction(PgNode statement, Review review) {
        TransactionStmtKind kind = Pg17.value(TransactionStmtKind.class, statement, "kind").orElse(null);
        if (kind == null) {
            return false;
        }
        ScriptState script = review.script;
        switch (kind) {
            case BEGIN, START -> {
                if (script.inBlock()) {
                    review.flag(TRANSACTION_NESTING, "BEGIN while the transaction opened by statement "
                            + script.blockStart() + " is still open: PostgreSQL only warns, and the next COMMIT ends "
                            + "that transaction");
                } else {
                    script.begin(review.statement.number());
                }
            }
            case COMMIT, ROLLBACK, PREPARE -> {
                if (!script.inBlock()) {
                    review.flag(TRANSACTION_NESTING, kind + " with no transaction block open: there is nothing to end");
                }
                script.end();
                if (statement.flag("chain")) {
                    script.begin(review.statement.number());
                }
            }
            default -> {
                // SAVEPOINT, RELEASE, ROLLBACK TO and the two-phase commands change no locks.
            }
        }
        return true;
    }

    static boolean set(PgNode set, Review review) {
        VariableSetKind kind = Pg17.value(VariableSetKind.class, set, "kind").orElse(null);
        if (kind == VariableSetKind.RESET_ALL) {
            review.script.lockTimeout(false, false);
            return true;
        }
        if (!"lock_timeout".equals(set.text("name").orElse(""))) {
            return true;
        }
        boolean local = set.flag("is_local");
        if (kind == VariableSetKind.SET_VALUE) {
            String value = set.nodes("args").stream().findFirst().flatMap(a -> a.text("val")).orElse("0");
            review.script.lockTimeout(!isZero(value), local);
        } else {
            review.script.lockTimeout(false, local);
        }
        return true;
    }

    private static boolean isZero(String value) {
        return value.strip().replaceAll("[^0-9.]", "").matches("0*\\.?0*");
    }

    /** The script-level rules for a statement the other rules have reviewed, then what it leaves held. */
    static void afterStatement(Review review, boolean writesRows) {
        ScriptState script = review.script;
        Map<QualifiedName, LockMode> blocking = new LinkedHashMap<>();
        review.locks().forEach((table, lock) -> {
            if (lock.blocksWrites() && !review.isNew(table)) {
                blocking.put(table, lock);
            }
        });
        if (!blocking.isEmpty() && !script.lockTimeout()) {
            List<String> locks = new ArrayList<>();
            blocking.forEach((table, lock) -> locks.add(Words.lock(lock) + " on " + table));
            review.flag(REQUIRE_TIMEOUT_SETTINGS, "takes " + String.join(", ", locks) + " with no lock_timeout set: "
                    + "while it waits for a conflicting lock, every query that needs " + (blocking.size() == 1
                    ? "that table" : "those tables") + " queues behind it");
        }
        if (script.inBlock()) {
            List<QualifiedName> exclusive = blocking.entrySet().stream()
                    .filter(e -> e.getValue() == LockMode.ACCESS_EXCLUSIVE).map(Map.Entry::getKey).toList();
            if (!exclusive.isEmpty() && !script.accessExclusive().isEmpty()) {
                List<String> held = new ArrayList<>();
                script.accessExclusive().forEach((table, statement) -> held.add(table + " (since statement "
                        + statement + ")"));
                review.flag(MULTIPLE_ACCESS_EXCLUSIVE_IN_TRANSACTION, "takes ACCESS EXCLUSIVE on " + Words.list(exclusive)
                        + " while the transaction already holds it on " + String.join(", ", held) + "; all of them stay "
                        + "locked against reads and writes until COMMIT");
            }
            if (writesRows && !script.schemaChanged().isEmpty()) {
                List<String> held = new ArrayList<>();
                script.schemaChanged().forEach((table, lock) -> held.add(Words.lock(lock) + " on " + table));
                review.flag(BACKFILL_IN_SCHEMA_CHANGE_TRANSACTION, "writes rows in the transaction that holds "
                        + String.join(", ", held) + " from its schema changes: those locks stay until these writes "
                        + "finish and the transaction commits");
            }
            review.locks().forEach((table, lock) -> {
                if (!review.isNew(table)) {
                    script.held(table, lock, review.isSchemaChange(), review.statement.number());
                }
            });
        }
    }

    /** At the end of the script: a block still open. */
    static void afterScript(Review last) {
        if (last.script.inBlock()) {
            last.flag(BAN_UNCOMMITTED_TRANSACTION, "the script ends inside the transaction opened by statement "
                    + last.script.blockStart() + ", without COMMIT");
        }
    }
}
