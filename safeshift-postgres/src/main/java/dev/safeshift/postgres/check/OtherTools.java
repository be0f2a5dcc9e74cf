package dev.safeshift.postgres.check;

import java.util.List;

/**
 * The checks of other migration linters (squawk, strong_migrations, Atlas) and the rules that
 * cover them, for docs/lock-rules.md. A test checks that every rule named here exists.
 */
final class OtherTools {

    /** One check of another tool and the rules that cover it; no rules means not covered, with the reason. */
    record Check(String tool, String check, List<String> rules, String note) {
    }

    static final List<Check> CHECKS = List.of(
            squawk("adding-field-with-default"), squawk("adding-foreign-key-constraint"),
            squawk("adding-not-nullable-field"), squawk("adding-required-field"),
            squawk("adding-primary-key-constraint"), squawk("adding-serial-primary-key-field"),
            squawk("ban-alter-domain-with-add-constraint"), squawk("ban-char-field"),
            squawk("ban-concurrent-index-creation-in-transaction"), squawk("ban-create-domain-with-constraint"),
            squawk("ban-drop-column"), squawk("ban-drop-database"), squawk("ban-drop-not-null"),
            squawk("ban-drop-table"), squawk("ban-truncate-cascade"), squawk("changing-column-type"),
            squawk("constraint-missing-not-valid"), squawk("disallowed-unique-constraint"),
            squawk("prefer-bigint-over-int"), squawk("prefer-bigint-over-smallint"), squawk("prefer-identity"),
            squawk("prefer-robust-stmts"), squawk("prefer-text-field"), squawk("prefer-timestamptz"),
            squawk("renaming-column"), squawk("renaming-table"), squawk("require-concurrent-index-creation"),
            squawk("require-concurrent-index-deletion"), squawk("transaction-nesting"),
            squawk("require-timeout-settings"), squawk("ban-uncommitted-transaction"),
            squawk("require-enum-value-ordering"), squawk("require-table-schema"),
            squawk("require-concurrent-partition-detach"), squawk("require-concurrent-reindex"),
            squawk("prefer-repack"), squawk("ban-drop-schema"), squawk("ban-drop-constraint"),
            squawk("ban-set-schema"), squawk("renaming-object"),
            new Check("squawk", "syntax-error", List.of("not-parsed"), ""),
            new Check("squawk", "identifier-too-long", List.of(), "PostgreSQL's parser truncates long identifiers "
                    + "(with a notice) before it prints the tree, so the tree cannot tell"),
            sm("removing a column", "ban-drop-column"),
            sm("changing the type of a column", "changing-column-type"),
            sm("renaming a column", "renaming-column"),
            sm("renaming a table", "renaming-table"),
            sm("adding an auto-incrementing column", "adding-auto-increment-column"),
            sm("adding a stored generated column", "adding-stored-generated-column"),
            sm("adding a check constraint", "constraint-missing-not-valid"),
            sm("backfilling data", "backfill-whole-table", "backfill-in-schema-change-transaction"),
            sm("adding an index non-concurrently", "require-concurrent-index-creation"),
            sm("adding a reference", "adding-foreign-key-constraint", "require-concurrent-index-creation"),
            sm("adding a foreign key", "adding-foreign-key-constraint"),
            sm("adding a unique constraint", "disallowed-unique-constraint"),
            sm("adding an exclusion constraint", "adding-exclusion-constraint"),
            sm("adding a json column", "adding-json-column"),
            sm("setting NOT NULL on an existing column", "adding-not-nullable-field"),
            sm("adding a column with a volatile default value", "adding-field-with-default"),
            sm("removing an index non-concurrently", "require-concurrent-index-deletion"),
            sm("keeping non-unique indexes to three columns or fewer", "index-too-many-columns"),
            atlas("PG101", "require-concurrent-index-creation"),
            atlas("PG102", "require-concurrent-index-deletion"),
            atlas("PG103", "ban-concurrent-index-creation-in-transaction"),
            atlas("PG104", "adding-primary-key-constraint"),
            atlas("PG105", "disallowed-unique-constraint"),
            atlas("PG301", "changing-column-type"),
            atlas("PG302", "adding-field-with-default"),
            atlas("PG303", "adding-not-nullable-field"),
            atlas("PG304", "adding-primary-key-constraint", "adding-not-nullable-field"),
            atlas("PG305", "constraint-missing-not-valid"),
            atlas("PG306", "adding-foreign-key-constraint"),
            atlas("MF101", "unique-index-on-existing-data", "disallowed-unique-constraint"),
            atlas("MF102", "unique-index-on-existing-data"),
            atlas("MF103", "adding-required-field"),
            atlas("MF104", "adding-not-nullable-field"),
            atlas("BC101", "renaming-table"),
            atlas("BC102", "renaming-column"),
            atlas("DS101", "ban-drop-schema"),
            atlas("DS102", "ban-drop-table"),
            atlas("DS103", "ban-drop-column"),
            atlas("CD101", "ban-drop-constraint"));

    private OtherTools() {
    }

    private static Check squawk(String rule) {
        return new Check("squawk", rule, List.of(rule), "");
    }

    private static Check sm(String check, String... rules) {
        return new Check("strong_migrations", check, List.of(rules), "");
    }

    private static Check atlas(String check, String... rules) {
        return new Check("Atlas", check, List.of(rules), "");
    }
}
