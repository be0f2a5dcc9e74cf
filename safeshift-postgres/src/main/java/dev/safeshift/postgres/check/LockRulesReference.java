package dev.safeshift.postgres.check;

import java.util.List;

/**
 * Renders docs/lock-rules.md from the {@link RuleCatalog}. A test compares the committed page with
 * this output, so the page always lists the rules the code has.
 */
public final class LockRulesReference {

    /** How to regenerate the page; also printed by the test that finds it stale. */
    public static final String REGENERATE = "mvn -B -q -pl safeshift-postgres -am test -Dtest=LockRulesReferenceTest "
            + "-Dsurefire.failIfNoSpecifiedTests=false -Dsafeshift.writeDocs=true";

    /**
     * What PostgreSQL does that its documentation does not say (or says otherwise), found while
     * checking the rules against PostgreSQL 15 and 14; the corpus test keeps checking each one.
     */
    private static final List<String> SERVER_NOTES = List.of(
            "ADD COLUMN of a domain type with CHECK or NOT NULL constraints rewrites the table even without a "
                    + "DEFAULT; ALTER TABLE's notes name only volatile defaults and type changes as causes of a rewrite.",
            "Dropping a foreign key (DROP CONSTRAINT, DROP COLUMN of a key column, DROP TABLE of the referencing "
                    + "table) also takes ACCESS EXCLUSIVE on the referenced table, whose triggers are dropped; the "
                    + "documentation mentions only the table being altered.",
            "ALTER COLUMN ... TYPE on a column at either end of a foreign key takes ACCESS EXCLUSIVE on the table at "
                    + "the other end too, and when the column is rewritten the referencing table is read again to "
                    + "validate the key.",
            "CREATE TABLE with REFERENCES takes SHARE ROW EXCLUSIVE on the referenced (existing) table, which blocks "
                    + "its writes while the statement waits for the lock.",
            "INSERT, and UPDATE of a key column, take ROW SHARE on the referenced table through the foreign key "
                    + "check (SELECT ... FOR KEY SHARE); DELETE takes it on the referencing tables.",
            "ALTER COLUMN ... TYPE keeps the indexes on the column (their storage is reused) when the table is not "
                    + "rewritten and the collation stays; older ALTER TABLE notes say they \"must still be rebuilt\". "
                    + "Raising a varchar length, a numeric precision (same scale) or a timestamp precision is "
                    + "catalog-only although these are not binary-coercible casts, which is what the notes describe.",
            "ALTER COLUMN ... TYPE timestamp to timestamptz is catalog-only when the session's TimeZone is UTC "
                    + "(PostgreSQL 12 and later); the rules assume it rewrites.",
            "ALTER DOMAIN ... VALIDATE CONSTRAINT takes SHARE (blocking writes) on every table using the domain up to "
                    + "PostgreSQL 18, unlike ALTER TABLE's VALIDATE CONSTRAINT (SHARE UPDATE EXCLUSIVE).",
            "A VOLATILE default that is a simple SQL function whose body is not volatile (such as SELECT 1) is "
                    + "inlined and does not rewrite; the rules go by the declared volatility and assume a rewrite.",
            "TRUNCATE gives the table a new, empty file and rebuilds its (empty) indexes: the time does not depend "
                    + "on the table's size, so the rules call it catalog-only.");

    private LockRulesReference() {
    }

    public static String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("# Lock rules\n\n")
                .append("<!-- Generated from RuleCatalog by LockRulesReference. Do not edit by hand: change the rules,\n")
                .append("     then regenerate with: ").append(REGENERATE).append(" -->\n\n")
                .append("`safeshift check` reviews each statement of a change script without running it. PostgreSQL's\n")
                .append("own parser reads the statement; the rules below look at its parse tree and at the live schema\n")
                .append("(column types, constraints, indexes, foreign keys, function volatility) and say, for every\n")
                .append("table the statement touches, which lock it takes and what work it does while holding it. A\n")
                .append("statement the rules do not know gets `unknown-statement`, never an empty review.\n\n")
                .append("The locks and work listed here are checked against PostgreSQL 15 and 14: the corpus test runs\n")
                .append("each of its statements in a transaction that is rolled back and compares the rules' claims\n")
                .append("with `pg_locks`, the table's data file, its sequential scans, index builds and rows written.\n\n")
                .append("## Lock modes\n\n")
                .append("Each lock is held until the transaction ends. While a statement waits for its lock, every\n")
                .append("later statement that conflicts with it waits too, which is why `require-timeout-settings`\n")
                .append("asks for a `lock_timeout` ([Explicit Locking](https://www.postgresql.org/docs/17/explicit-locking.html)).\n\n")
                .append("| Lock | `pg_locks.mode` | Makes other sessions wait for |\n| --- | --- | --- |\n");
        for (LockMode mode : LockMode.values()) {
            out.append("| ").append(Words.lock(mode)).append(" | `").append(mode.pgName()).append("` | ")
                    .append(cell(mode.blocks())).append(" |\n");
        }
        out.append("\n## Work\n\n")
                .append("| Work | What the server does with the table's rows |\n| --- | --- |\n")
                .append("| CATALOG_ONLY | Only the catalog changes; the time does not depend on the table's size. |\n")
                .append("| FULL_SCAN | Every row is read once (validating a constraint, SET NOT NULL). |\n")
                .append("| INDEX_BUILD | Every row is read and an index built from it. |\n")
                .append("| ROW_WRITES | Rows are updated, inserted or deleted, in one transaction. |\n")
                .append("| REWRITE | Every row is written to a new file and every index rebuilt. |\n\n")
                .append("## Rules\n\n")
                .append("| Rule | Severity | Lock | Work | What it flags | Safe alternative | PostgreSQL documentation |\n")
                .append("| --- | --- | --- | --- | --- | --- | --- |\n");
        int count = 0;
        for (RuleCatalog.Family family : RuleCatalog.families()) {
            out.append("| **").append(family.title()).append("** | | | | | | |\n");
            for (Rule rule : family.rules()) {
                out.append("| `").append(rule.id()).append("` | ").append(rule.severity().label()).append(" | ")
                        .append(cell(rule.lock())).append(" | ").append(cell(rule.work())).append(" | ")
                        .append(cell(rule.flags())).append(" | ").append(cell(rule.alternative())).append(" | ")
                        .append(rule.reference()).append(" |\n");
                count++;
            }
        }
        out.append("\n").append(count).append(" rules.\n\n")
                .append("## Other tools' checks\n\n")
                .append("The checks of squawk, strong_migrations (PostgreSQL) and Atlas's migration analyzers, and the\n")
                .append("rules that cover them.\n\n")
                .append("| Tool | Check | Rules |\n| --- | --- | --- |\n");
        for (OtherTools.Check check : OtherTools.CHECKS) {
            out.append("| ").append(check.tool()).append(" | ").append(check.check()).append(" | ")
                    .append(check.rules().isEmpty() ? "not covered: " + check.note()
                            : String.join(", ", check.rules().stream().map(r -> "`" + r + "`").toList()))
                    .append(" |\n");
        }
        out.append("\n## Where the server differs from the documentation\n\n");
        SERVER_NOTES.forEach(note -> out.append("- ").append(note).append("\n"));
        return out.toString();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }
}
