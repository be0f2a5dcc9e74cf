package dev.safeshift.postgres.check;

import static dev.safeshift.check.Severity.HIGH;
import static dev.safeshift.check.Severity.MEDIUM;

import dev.safeshift.plan.QualifiedName;
import dev.safeshift.postgres.check.Pg17.AlterTableType;
import dev.safeshift.postgres.check.Pg17.ConstrType;
import dev.safeshift.postgres.parse.PgNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** ALTER TABLE subcommands on constraints: ADD, VALIDATE, DROP and ALTER CONSTRAINT. */
final class ConstraintRules {

    static final Rule CONSTRAINT_MISSING_NOT_VALID = new Rule("constraint-missing-not-valid", HIGH,
            "ACCESS EXCLUSIVE", "FULL_SCAN", "ADD CONSTRAINT ... CHECK without NOT VALID on an existing table (every "
            + "row is validated while reads and writes wait), or VALIDATE CONSTRAINT in the same transaction as the "
            + "ADD ... NOT VALID, which keeps the ADD's lock through the scan",
            "ADD CONSTRAINT ... NOT VALID (catalog only), then VALIDATE CONSTRAINT in a later transaction: it takes "
            + "only SHARE UPDATE EXCLUSIVE, so reads and writes go on during the scan", PgDocs.ALTER_TABLE_VALIDATE);
    static final Rule ADDING_FOREIGN_KEY_CONSTRAINT = new Rule("adding-foreign-key-constraint", HIGH,
            "SHARE ROW EXCLUSIVE on both tables", "FULL_SCAN", "ADD FOREIGN KEY without NOT VALID: every row is checked "
            + "against the referenced table while writes to both tables wait",
            "ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID, then VALIDATE CONSTRAINT in a later transaction (SHARE UPDATE "
            + "EXCLUSIVE on the table, ROW SHARE on the referenced one)", PgDocs.ALTER_TABLE_ADD_CONSTRAINT);
    static final Rule DISALLOWED_UNIQUE_CONSTRAINT = new Rule("disallowed-unique-constraint", HIGH, "ACCESS EXCLUSIVE",
            "INDEX_BUILD", "ADD CONSTRAINT ... UNIQUE without USING INDEX: the index is built while reads and writes "
            + "wait, and the statement fails if existing rows have duplicates",
            "CREATE UNIQUE INDEX CONCURRENTLY, check it is valid, then ADD CONSTRAINT ... UNIQUE USING INDEX",
            PgDocs.ALTER_TABLE_USING_INDEX);
    static final Rule ADDING_PRIMARY_KEY_CONSTRAINT = new Rule("adding-primary-key-constraint", HIGH,
            "ACCESS EXCLUSIVE", "INDEX_BUILD", "ADD PRIMARY KEY without USING INDEX: the key's index is built (and "
            + "nullable key columns are scanned for nulls) while reads and writes wait",
            "CREATE UNIQUE INDEX CONCURRENTLY on NOT NULL columns, then ADD PRIMARY KEY USING INDEX",
            PgDocs.ALTER_TABLE_USING_INDEX);
    static final Rule ADDING_EXCLUSION_CONSTRAINT = new Rule("adding-exclusion-constraint", HIGH, "ACCESS EXCLUSIVE",
            "INDEX_BUILD", "ADD CONSTRAINT ... EXCLUDE: the index is built and every row checked while reads and writes "
            + "wait; exclusion constraints cannot be added NOT VALID or USING INDEX",
            "Add it when the table is new or small, or enforce the rule in the application or a trigger",
            PgDocs.ALTER_TABLE_ADD_CONSTRAINT);
    static final Rule BAN_DROP_CONSTRAINT = new Rule("ban-drop-constraint", MEDIUM, "ACCESS EXCLUSIVE", "CATALOG_ONLY",
            "DROP CONSTRAINT on an existing table: the rule it enforced is gone (for a foreign key, rows may now point "
            + "nowhere), and a foreign key's drop also locks the referenced table",
            "Keep the constraint, or make sure nothing relies on it before dropping it", PgDocs.ALTER_TABLE);

    private ConstraintRules() {
    }

    static List<Rule> rules() {
        return List.of(CONSTRAINT_MISSING_NOT_VALID, ADDING_FOREIGN_KEY_CONSTRAINT, DISALLOWED_UNIQUE_CONSTRAINT,
                ADDING_PRIMARY_KEY_CONSTRAINT, ADDING_EXCLUSION_CONSTRAINT, BAN_DROP_CONSTRAINT);
    }

    static boolean review(AlterTableType type, PgNode command, Target table, AlterTableRules.Scope scope) {
        switch (type) {
            case ADD_CONSTRAINT -> add(command.node("def").orElseThrow(), table, scope);
            case VALIDATE_CONSTRAINT -> validate(command.text("name").orElse("?"), table, scope);
            case DROP_CONSTRAINT -> drop(command.text("name").orElse("?"), table, scope);
            case ALTER_CONSTRAINT -> scope.effect(LockMode.ACCESS_EXCLUSIVE, Work.CATALOG_ONLY,
                    "ALTER CONSTRAINT changes only the catalog");
            default -> {
                return false;
            }
        }
        return true;
    }

    private static void add(PgNode constraint, Target table, AlterTableRules.Scope scope) {
        Review review = scope.review();
        ConstrType type = Pg17.value(ConstrType.class, constraint, "contype").orElse(ConstrType.NULL);
        String name = constraint.text("conname").orElse("");
        String shown = name.isEmpty() ? "(unnamed)" : name;
        boolean notValid = constraint.flag("skip_validation");
        switch (type) {
            case CHECK -> {
                boolean scans = !notValid;
                scope.effect(LockMode.ACCESS_EXCLUSIVE, scans ? Work.FULL_SCAN : Work.CATALOG_ONLY, scans
                        ? "ADD CONSTRAINT " + shown + " CHECK validates every row"
                        : "ADD CONSTRAINT " + shown + " CHECK ... NOT VALID checks only rows written from now on");
                constraint.node("raw_expr").ifPresent(e -> review.script.notNullCheck(table.name(), name,
                        NotNullProof.provenColumnNames(e), !notValid));
                record(review, table, name, SchemaFacts.ConstraintKind.CHECK, Optional.empty(), notValid);
                if (scans && table.live()) {
                    review.flag(CONSTRAINT_MISSING_NOT_VALID, "ADD CONSTRAINT " + shown + " CHECK on " + table
                            + " validates every row while holding " + Words.lockOn(LockMode.ACCESS_EXCLUSIVE, table)
                            + ColumnRules.size(table));
                }
            }
            case FOREIGN -> foreignKey(constraint, table, shown, notValid, scope);
            case PRIMARY, UNIQUE -> keyOrUnique(constraint, table, shown, type, scope);
            case EXCLUSION -> {
                scope.effect(LockMode.ACCESS_EXCLUSIVE, Work.INDEX_BUILD, "ADD CONSTRAINT " + shown
                        + " EXCLUDE builds its index and checks every row");
                if (table.live()) {
                    review.flag(ADDING_EXCLUSION_CONSTRAINT, "ADD CONSTRAINT " + shown + " EXCLUDE on " + table
                            + " builds its index while holding " + Words.lockOn(LockMode.ACCESS_EXCLUSIVE, table)
                            + ColumnRules.size(table) + "; it cannot be added NOT VALID");
                }
            }
            default -> scope.effect(LockMode.ACCESS_EXCLUSIVE, Work.FULL_SCAN, "ADD CONSTRAINT " + shown
                    + " is assumed to check every row");
        }
    }

    private static void foreignKey(PgNode constraint, Target table, String shown, boolean notValid,
                                   AlterTableRules.Scope scope) {
        Review review = scope.review();
        Target referenced = review.target(constraint.node("pktable").orElseThrow());
        boolean scans = !notValid && table.live();
        scope.effect(LockMode.SHARE_ROW_EXCLUSIVE, scans ? Work.FULL_SCAN : Work.CATALOG_ONLY, scans
                ? "ADD FOREIGN KEY " + shown + " checks every row against " + referenced
                : "ADD FOREIGN KEY " + shown + (notValid ? " NOT VALID checks only rows written from now on"
                : " on a new table has no rows to check"));
        review.effect(referenced, LockMode.SHARE_ROW_EXCLUSIVE, scans ? Work.FULL_SCAN : Work.CATALOG_ONLY,
                "the foreign key's triggers are added here" + (scans ? " and its keys are read to match every row" : ""));
        record(review, table, constraint.text("conname").orElse(""), SchemaFacts.ConstraintKind.FOREIGN_KEY,
                Optional.of(referenced.name()), notValid);
        if (scans) {
            review.flag(ADDING_FOREIGN_KEY_CONSTRAINT, "ADD FOREIGN KEY " + shown + " on " + table + " checks every row"
                    + ColumnRules.size(table) + " while holding " + Words.lockOn(LockMode.SHARE_ROW_EXCLUSIVE, table)
                    + ", and the same lock on " + referenced);
        }
    }

    private static void keyOrUnique(PgNode constraint, Target table, String shown, ConstrType type,
                                    AlterTableRules.Scope scope) {
        Review review = scope.review();
        boolean primary = type == ConstrType.PRIMARY;
        String what = primary ? "PRIMARY KEY" : "UNIQUE";
        Optional<String> usingIndex = constraint.text("indexname");
        List<String> columns = new ArrayList<>(constraint.texts("keys"));
        if (usingIndex.isPresent()) {
            table.facts().flatMap(t -> t.indexes().stream().filter(i -> i.name().equals(usingIndex.get())).findFirst())
                    .ifPresent(index -> columns.addAll(index.columns()));
        }
        List<String> scanned = new ArrayList<>();
        if (primary && table.live()) {
            for (String column : columns) {
                Optional<SchemaFacts.Column> facts = table.column(column);
                boolean known = facts.map(c -> c.notNull()
                        || c.provenNotNull() && review.facts.serverVersion() >= 120000).orElse(false)
                        || review.script.provenNotNull(table.name(), column);
                if (!known) {
                    scanned.add(column);
                }
            }
        }
        Work work = usingIndex.isPresent() ? (scanned.isEmpty() ? Work.CATALOG_ONLY : Work.FULL_SCAN) : Work.INDEX_BUILD;
        scope.effect(LockMode.ACCESS_EXCLUSIVE, work, usingIndex.isPresent()
                ? "ADD " + what + " USING INDEX " + usingIndex.get() + " reuses the built index"
                + (scanned.isEmpty() ? "" : ", but reads every row to set NOT NULL on " + Words.list(scanned))
                : "ADD " + what + " builds its index");
        if (!table.live()) {
            return;
        }
        if (usingIndex.isEmpty()) {
            review.flag(primary ? ADDING_PRIMARY_KEY_CONSTRAINT : DISALLOWED_UNIQUE_CONSTRAINT, "ADD " + what
                    + (shown.startsWith("(") ? "" : " " + shown) + " on " + table + " builds its index while holding " + Words.lockOn(LockMode.ACCESS_EXCLUSIVE, table) + ColumnRules.size(table) + (primary ? "" : ", and fails if existing rows have duplicates")
                    + (scanned.isEmpty() ? "" : "; it also sets NOT NULL on " + Words.list(scanned)
                    + ", reading every row"));
        } else if (!scanned.isEmpty()) {
            review.flag(ColumnRules.ADDING_NOT_NULLABLE_FIELD, "ADD PRIMARY KEY USING INDEX on " + table + " sets NOT "
                    + "NULL on " + Words.list(scanned) + ", which reads every row while holding "
                    + Words.lockOn(LockMode.ACCESS_EXCLUSIVE, table) + ColumnRules.size(table));
        }
    }

    private static void validate(String name, Target table, AlterTableRules.Scope scope) {
        Review review = scope.review();
        Optional<SchemaFacts.Constraint> existing = table.facts().flatMap(t -> t.constraint(name));
        Optional<ScriptState.AddedConstraint> added = review.script.addedConstraint(table.name(), name);
        boolean alreadyValid = existing.map(SchemaFacts.Constraint::validated).orElse(false) && added.isEmpty();
        scope.effect(LockMode.SHARE_UPDATE_EXCLUSIVE, alreadyValid ? Work.CATALOG_ONLY : Work.FULL_SCAN, alreadyValid
                ? "VALIDATE CONSTRAINT " + name + ": it is already valid"
                : "VALIDATE CONSTRAINT " + name + " reads every row, letting reads and writes go on");
        Optional<QualifiedName> references = added.flatMap(ScriptState.AddedConstraint::references)
                .or(() -> existing.flatMap(SchemaFacts.Constraint::references));
        if (!alreadyValid) {
            references.ifPresent(ref -> review.effect(review.target(ref), LockMode.ROW_SHARE, Work.FULL_SCAN,
                    "its keys are read to match every row of " + table));
        }
        review.script.validated(table.name(), name);
        if (review.script.wasAddedNotValid(table.name(), name)) {
            LockMode held = references.isPresent() ? LockMode.SHARE_ROW_EXCLUSIVE : LockMode.ACCESS_EXCLUSIVE;
            review.flag(CONSTRAINT_MISSING_NOT_VALID, "VALIDATE CONSTRAINT " + name + " runs in the same transaction "
                    + "that added it NOT VALID, so every row is read while the ADD's " + Words.lockOn(held, table)
                    + " is still held", "COMMIT after the ADD ... NOT VALID and validate in a transaction of its own");
        }
    }

    private static void drop(String name, Target table, AlterTableRules.Scope scope) {
        Review review = scope.review();
        scope.effect(LockMode.ACCESS_EXCLUSIVE, Work.CATALOG_ONLY, "DROP CONSTRAINT " + name + " changes only the catalog");
        Optional<SchemaFacts.ConstraintKind> kind = review.script.addedConstraint(table.name(), name)
                .map(ScriptState.AddedConstraint::kind)
                .or(() -> table.facts().flatMap(t -> t.constraint(name)).map(SchemaFacts.Constraint::kind));
        Optional<QualifiedName> references = review.script.addedConstraint(table.name(), name)
                .flatMap(ScriptState.AddedConstraint::references)
                .or(() -> table.facts().flatMap(t -> t.constraint(name)).flatMap(SchemaFacts.Constraint::references));
        references.ifPresent(ref -> review.effect(review.target(ref), LockMode.ACCESS_EXCLUSIVE, Work.CATALOG_ONLY,
                "the foreign key " + name + "'s triggers on it are dropped"));
        if (table.live() && review.script.addedConstraint(table.name(), name).isEmpty()) {
            String consequence = switch (kind.orElse(SchemaFacts.ConstraintKind.CHECK)) {
                case FOREIGN_KEY -> "rows may then reference rows that do not exist, and the drop also takes "
                        + Words.lockOn(LockMode.ACCESS_EXCLUSIVE, references.map(Object::toString)
                        .orElse("the referenced table"));
                case PRIMARY_KEY, UNIQUE -> "duplicates can then be written, and its index is dropped with it";
                default -> "rows that break it can then be written";
            };
            review.flag(BAN_DROP_CONSTRAINT, "DROP CONSTRAINT " + name + " on " + table + ": " + consequence);
        }
    }

    private static void record(Review review, Target table, String name, SchemaFacts.ConstraintKind kind,
                               Optional<QualifiedName> references, boolean notValid) {
        if (name.isEmpty()) {
            return;
        }
        review.script.addedConstraint(table.name(), name, new ScriptState.AddedConstraint(kind, references));
        if (notValid) {
            review.script.addedNotValid(table.name(), name);
        }
    }
}
