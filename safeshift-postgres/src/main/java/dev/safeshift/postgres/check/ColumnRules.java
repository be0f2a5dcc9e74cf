package dev.safeshift.postgres.check;

import static dev.safeshift.check.Severity.HIGH;
import static dev.safeshift.check.Severity.LOW;
import static dev.safeshift.check.Severity.MEDIUM;

import dev.safeshift.postgres.check.Pg17.AlterTableType;
import dev.safeshift.postgres.check.Pg17.ConstrType;
import dev.safeshift.postgres.parse.PgNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** ALTER TABLE subcommands on columns: ADD, DROP, ALTER TYPE, SET and DROP NOT NULL, defaults and the like. */
final class ColumnRules {

    static final Rule ADDING_FIELD_WITH_DEFAULT = new Rule("adding-field-with-default", HIGH, "ACCESS EXCLUSIVE",
            "REWRITE", "ADD COLUMN with a volatile DEFAULT (random(), gen_random_uuid(), clock_timestamp(), a function "
            + "not known to be stable), or with any DEFAULT before PostgreSQL 11: every row is rewritten with its own value",
            "Add the column without a default (or with a constant or stable one, which PostgreSQL 11 and later store "
            + "once), then fill existing rows in batches and set the default afterwards", PgDocs.ALTER_TABLE_NOTES);
    static final Rule ADDING_REQUIRED_FIELD = new Rule("adding-required-field", HIGH, "ACCESS EXCLUSIVE", "FULL_SCAN",
            "ADD COLUMN ... NOT NULL without a DEFAULT on an existing table: every row is checked, and the statement "
            + "fails as soon as the table has a row",
            "Add the column nullable (or with a non-volatile DEFAULT), backfill it in batches, then add NOT NULL "
            + "through a validated CHECK (col IS NOT NULL) constraint", PgDocs.ALTER_TABLE);
    static final Rule ADDING_AUTO_INCREMENT_COLUMN = new Rule("adding-auto-increment-column", HIGH, "ACCESS EXCLUSIVE",
            "REWRITE", "ADD COLUMN of type serial/bigserial/smallserial or GENERATED ... AS IDENTITY: every existing row "
            + "takes a value from the sequence, so the table is rewritten",
            "Add a plain bigint column, create and attach a sequence as its default, and backfill existing rows in "
            + "batches", PgDocs.ALTER_TABLE_NOTES);
    static final Rule ADDING_SERIAL_PRIMARY_KEY_FIELD = new Rule("adding-serial-primary-key-field", HIGH,
            "ACCESS EXCLUSIVE", "INDEX_BUILD", "ADD COLUMN ... PRIMARY KEY: the key's index is built while the table is "
            + "locked against reads and writes",
            "Add the column, fill it, build a unique index with CREATE UNIQUE INDEX CONCURRENTLY, then ADD PRIMARY KEY "
            + "USING INDEX", PgDocs.ALTER_TABLE_USING_INDEX);
    static final Rule ADDING_STORED_GENERATED_COLUMN = new Rule("adding-stored-generated-column", HIGH,
            "ACCESS EXCLUSIVE", "REWRITE", "ADD COLUMN ... GENERATED ALWAYS AS (...) STORED: the value is computed and "
            + "stored for every row, rewriting the table",
            "Add a plain column filled by a trigger for new rows, backfill existing rows in batches, or compute the "
            + "value in a view or in the application", PgDocs.GENERATED_COLUMNS);
    static final Rule ADDING_CONSTRAINED_DOMAIN_COLUMN = new Rule("adding-constrained-domain-column", HIGH,
            "ACCESS EXCLUSIVE", "REWRITE", "ADD COLUMN whose type is a domain with CHECK or NOT NULL constraints: the "
            + "server checks the domain for every row and rewrites the table, even without a DEFAULT",
            "Add the column with the domain's base type, backfill, add the checks as NOT VALID constraints and "
            + "VALIDATE them", PgDocs.CREATE_DOMAIN);
    static final Rule ADDING_JSON_COLUMN = new Rule("adding-json-column", LOW, "ACCESS EXCLUSIVE", "CATALOG_ONLY",
            "ADD COLUMN of type json: json has no equality operator, so existing queries with SELECT DISTINCT or UNION "
            + "on the table start to fail", "Use jsonb", PgDocs.JSON_TYPES);
    static final Rule CHANGING_COLUMN_TYPE = new Rule("changing-column-type", HIGH, "ACCESS EXCLUSIVE",
            "REWRITE or INDEX_BUILD", "ALTER COLUMN ... TYPE that converts or checks stored values (int to bigint, "
            + "narrowing varchar, a USING expression, timestamp to timestamptz): the table and its indexes are rewritten "
            + "while reads and writes wait; widening varchar, raising numeric precision and varchar to text are "
            + "catalog-only and not flagged",
            "Add a new column of the new type, keep it in sync with a trigger, backfill in batches, then switch the "
            + "application over and drop the old column", PgDocs.ALTER_TABLE_NOTES);
    static final Rule BAN_DROP_COLUMN = new Rule("ban-drop-column", HIGH, "ACCESS EXCLUSIVE", "CATALOG_ONLY",
            "DROP COLUMN on an existing table: the column's data is lost, and application code that still reads or "
            + "writes it fails", "Stop using the column in the application first, deploy, then drop it (after a backup "
            + "of the data if it may be needed)", PgDocs.ALTER_TABLE);
    static final Rule BAN_DROP_NOT_NULL = new Rule("ban-drop-not-null", MEDIUM, "ACCESS EXCLUSIVE", "CATALOG_ONLY",
            "ALTER COLUMN ... DROP NOT NULL: code that relies on the column always having a value breaks once a null "
            + "arrives, and the change is hard to undo (adding NOT NULL back scans the table)",
            "Keep NOT NULL until every reader handles nulls", PgDocs.ALTER_TABLE_SET_NOT_NULL);
    static final Rule ADDING_NOT_NULLABLE_FIELD = new Rule("adding-not-nullable-field", HIGH, "ACCESS EXCLUSIVE",
            "FULL_SCAN", "SET NOT NULL (or a PRIMARY KEY on a nullable column) without a validated CHECK (col IS NOT "
            + "NULL) constraint: every row is read while reads and writes wait, and the statement fails on a null",
            "ADD CONSTRAINT ... CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT (which does not block writes), "
            + "then SET NOT NULL, which PostgreSQL 12 and later do without a scan; then drop the CHECK",
            PgDocs.ALTER_TABLE_SET_NOT_NULL);

    private ColumnRules() {
    }

    static List<Rule> rules() {
        return List.of(ADDING_FIELD_WITH_DEFAULT, ADDING_REQUIRED_FIELD, ADDING_AUTO_INCREMENT_COLUMN,
                ADDING_SERIAL_PRIMARY_KEY_FIELD, ADDING_STORED_GENERATED_COLUMN, ADDING_CONSTRAINED_DOMAIN_COLUMN,
                ADDING_JSON_COLUMN, CHANGING_COLUMN_TYPE, BAN_DROP_COLUMN, BAN_DROP_NOT_NULL, ADDING_NOT_NULLABLE_FIELD);
    }

    /** Reviews one subcommand; false when it is not about a column. */
    static boolean review(AlterTableType type, PgNode command, Target table, AlterTableRules.Scope scope) {
        Review review = scope.review();
        String column = command.text("name").orElse("");
        switch (type) {
            case ADD_COLUMN -> addColumn(command.node("def").orElseThrow(), table, scope);
            case COLUMN_DEFAULT -> scope.effect(LockMode.ACCESS_EXCLUSIVE, Work.CATALOG_ONLY,
                    "SET or DROP DEFAULT of " + column + " changes only the catalog");
            case DROP_NOT_NULL -> {
                scope.effect(LockMode.ACCESS_EXCLUSIVE, Work.CATALOG_ONLY, "DROP NOT NULL changes only the catalog");
                if (table.live()) {
                    review.flag(BAN_DROP_NOT_NULL, "DROP NOT NULL on " + Words.column(table.name(), column)
                            + " lets nulls in where code may assume there are none; it takes "
                            + Words.lockOn(LockMode.ACCESS_EXCLUSIVE, table) + ", briefly");
                }
            }
            case SET_NOT_NULL -> setNotNull(table, column, scope);
            case SET_EXPRESSION -> scope.effect(LockMode.ACCESS_EXCLUSIVE, Work.REWRITE,
                    "SET EXPRESSION computes the generated column again for every row");
            case DROP_EXPRESSION -> scope.effect(LockMode.ACCESS_EXCLUSIVE, Work.CATALOG_ONLY,
                    "DROP EXPRESSION keeps the stored values");
            case SET_STATISTICS, SET_OPTIONS, RESET_OPTIONS -> scope.effect(LockMode.SHARE_UPDATE_EXCLUSIVE,
                    Work.CATALOG_ONLY, "planner settings of a column change only the catalog");
            case SET_STORAGE, SET_COMPRESSION -> scope.effect(LockMode.ACCESS_EXCLUSIVE, Work.CATALOG_ONLY,
                    "storage settings apply to values written from now on");
            case ADD_IDENTITY, SET_IDENTITY, DROP_IDENTITY -> scope.effect(LockMode.ACCESS_EXCLUSIVE,
                    Work.CATALOG_ONLY, "identity settings of an existing column change only the catalog");
            case DROP_COLUMN -> dropColumn(command, table, column, scope);
            case ALTER_COLUMN_TYPE -> alterType(command.node("def").orElseThrow(), table, column, scope);
            default -> {
                return false;
            }
        }
        return true;
    }

    private static void addColumn(PgNode def, Target table, AlterTableRules.Scope scope) {
        Review review = scope.review();
        String column = def.text("colname").orElse("?");
        String where = Words.column(table.name(), column);
        TypeName type = TypeName.of(def.node("typeName").orElseThrow());
        List<PgNode> constraints = def.nodes("constraints");
        Optional<PgNode> defaultValue = ofType(constraints, ConstrType.DEFAULT).findFirst()
                .flatMap(c -> c.node("raw_expr")).filter(e -> !(e.is("A_CONST") && e.flag("isnull")));
        boolean identity = ofType(constraints, ConstrType.IDENTITY).findAny().isPresent();
        boolean generated = ofType(constraints, ConstrType.GENERATED).findAny().isPresent();
        boolean filled = defaultValue.isPresent() || identity || generated || type.serial();
        Work work = Work.CATALOG_ONLY;
        List<String> why = new ArrayList<>();
        List<Runnable> findings = new ArrayList<>();
        if (type.serial() || identity) {
            work = Work.REWRITE;
            why.add("every existing row takes a value from the new column's sequence");
            findings.add(() -> review.flag(ADDING_AUTO_INCREMENT_COLUMN, "ADD COLUMN " + where + " (" + type
                    + (identity ? " GENERATED AS IDENTITY" : "") + ") fills every existing row from a sequence: the table "
                    + "is rewritten while holding " + Words.lockOn(LockMode.ACCESS_EXCLUSIVE, table)
                    + size(table)));
        }
        if (generated) {
            work = Work.REWRITE;
            why.add("the generated value is computed and stored for every row");
            findings.add(() -> review.flag(ADDING_STORED_GENERATED_COLUMN, "ADD COLUMN " + where + " GENERATED ALWAYS "
                    + "AS (...) STORED computes the value for every row: the table is rewritten while holding "
                    + Words.lockOn(LockMode.ACCESS_EXCLUSIVE, table) + size(table)));
        }
        if (defaultValue.isPresent()) {
            Volatilities.Verdict verdict = Volatilities.of(defaultValue.get(), review);
            if (verdict.volatility() == SchemaFacts.Volatility.VOLATILE) {
                work = Work.REWRITE;
                why.add("the volatile default is evaluated for every row");
                findings.add(() -> review.flag(ADDING_FIELD_WITH_DEFAULT, "ADD COLUMN " + where + " with a volatile "
                        + "DEFAULT (" + Words.list(verdict.reasons()) + ") is evaluated for every existing row: the table "
                        + "is rewritten while holding " + Words.lockOn(LockMode.ACCESS_EXCLUSIVE, table)
                        + size(table)));
            } else if (review.facts.serverVersion() < 110000) {
                work = Work.REWRITE;
                why.add("before PostgreSQL 11 any default is written into every row");
                findings.add(() -> review.flag(ADDING_FIELD_WITH_DEFAULT, "ADD COLUMN " + where + " with a DEFAULT "
                        + "rewrites the table on PostgreSQL " + review.facts.serverVersion() / 10000 + " while holding "
                        + Words.lockOn(LockMode.ACCESS_EXCLUSIVE, table)));
            } else {
                why.add("the " + verdict.volatility().name().toLowerCase(java.util.Locale.ROOT)
                        + " default is evaluated once and kept in the catalog");
            }
        }
        Optional<SchemaFacts.Type> resolved = type.serial() ? Optional.empty() : review.facts.type(type.names());
        if (resolved.map(SchemaFacts.Type::domainHasConstraints).orElse(false)) {
            work = Work.REWRITE;
            why.add("the domain " + type + " has constraints, which the server checks for every row by rewriting");
            findings.add(() -> review.flag(ADDING_CONSTRAINED_DOMAIN_COLUMN, "ADD COLUMN " + where + " of the domain "
                    + type + ", which has constraints: PostgreSQL rewrites the table to check them, holding "
                    + Words.lockOn(LockMode.ACCESS_EXCLUSIVE, table) + size(table)));
        }
        if (ofType(constraints, ConstrType.NOT_NULL).findAny().isPresent() && !filled) {
            work = max(work, Work.FULL_SCAN);
            why.add("NOT NULL without a default is checked against every row");
            findings.add(() -> review.flag(ADDING_REQUIRED_FIELD, "ADD COLUMN " + where + " NOT NULL without a DEFAULT "
                    + "fails as soon as " + table + " has a row, after reading it under "
                    + Words.lockOn(LockMode.ACCESS_EXCLUSIVE, table)));
        }
        if (ofType(constraints, ConstrType.CHECK).findAny().isPresent()) {
            work = max(work, Work.FULL_SCAN);
            why.add("the column's CHECK is validated against every row");
            findings.add(() -> review.flag(ConstraintRules.CONSTRAINT_MISSING_NOT_VALID, "ADD COLUMN " + where
                    + " with a CHECK validates every row while holding " + Words.lockOn(LockMode.ACCESS_EXCLUSIVE, table) + size(table)));
        }
        if (ofType(constraints, ConstrType.PRIMARY).findAny().isPresent()) {
            work = max(work, Work.INDEX_BUILD);
            why.add("the primary key's index is built");
            findings.add(() -> review.flag(ADDING_SERIAL_PRIMARY_KEY_FIELD, "ADD COLUMN " + where + " PRIMARY KEY "
                    + "builds the key's index while holding " + Words.lockOn(LockMode.ACCESS_EXCLUSIVE, table)
                    + size(table)));
        }
        if (ofType(constraints, ConstrType.UNIQUE).findAny().isPresent()) {
            work = max(work, Work.INDEX_BUILD);
            why.add("the unique index is built");
            findings.add(() -> review.flag(ConstraintRules.DISALLOWED_UNIQUE_CONSTRAINT, "ADD COLUMN " + where
                    + " UNIQUE builds its index while holding " + Words.lockOn(LockMode.ACCESS_EXCLUSIVE, table)
                    + size(table)));
        }
        for (PgNode foreignKey : ofType(constraints, ConstrType.FOREIGN).toList()) {
            Target referenced = review.target(foreignKey.node("pktable").orElseThrow());
            boolean validated = filled && !foreignKey.flag("skip_validation");
            review.effect(referenced, LockMode.SHARE_ROW_EXCLUSIVE, validated ? Work.FULL_SCAN : Work.CATALOG_ONLY,
                    "the new foreign key's triggers are added to the referenced table");
            if (validated) {
                work = max(work, Work.FULL_SCAN);
                why.add("the foreign key is validated against every row's default");
                findings.add(() -> review.flag(ConstraintRules.ADDING_FOREIGN_KEY_CONSTRAINT, "ADD COLUMN " + where
                        + " REFERENCES " + referenced + " with a default validates every row, holding "
                        + Words.lockOn(LockMode.ACCESS_EXCLUSIVE, table) + " and "
                        + Words.lockOn(LockMode.SHARE_ROW_EXCLUSIVE, referenced)));
            } else {
                why.add("a new column is all null, so its foreign key needs no validation");
            }
        }
        if (why.isEmpty()) {
            why.add("a column without a default or with a null default changes only the catalog");
        }
        scope.effect(LockMode.ACCESS_EXCLUSIVE, work, "ADD COLUMN " + column + ": " + String.join(", ", why));
        if (table.live()) {
            findings.forEach(Runnable::run);
            if (type.is("json")) {
                review.flag(ADDING_JSON_COLUMN, "ADD COLUMN " + where + " of type json: json values cannot be compared, "
                        + "so SELECT DISTINCT, UNION and GROUP BY over the table's rows start to fail");
            }
        }
        TypeRules.preferences(type, where, review);
    }

    private static void setNotNull(Target table, String column, AlterTableRules.Scope scope) {
        Review review = scope.review();
        Optional<SchemaFacts.Column> facts = table.column(column);
        String where = Words.column(table.name(), column);
        if (!table.live()) {
            scope.effect(LockMode.ACCESS_EXCLUSIVE, Work.FULL_SCAN, "SET NOT NULL reads the new table's rows");
        } else if (facts.map(SchemaFacts.Column::notNull).orElse(false)) {
            scope.effect(LockMode.ACCESS_EXCLUSIVE, Work.CATALOG_ONLY, "SET NOT NULL: " + column + " is already NOT NULL");
        } else if (review.facts.serverVersion() >= 120000 && (facts.map(SchemaFacts.Column::provenNotNull).orElse(false)
                || review.script.provenNotNull(table.name(), column))) {
            scope.effect(LockMode.ACCESS_EXCLUSIVE, Work.CATALOG_ONLY, "SET NOT NULL: a validated CHECK (" + column
                    + " IS NOT NULL) proves it, so no row is read");
        } else {
            scope.effect(LockMode.ACCESS_EXCLUSIVE, Work.FULL_SCAN, "SET NOT NULL reads every row to find nulls");
            review.flag(ADDING_NOT_NULLABLE_FIELD, "SET NOT NULL on " + where + " reads every row while holding "
                    + Words.lockOn(LockMode.ACCESS_EXCLUSIVE, table) + size(table)
                    + ", and fails if any row is null");
        }
    }

    private static void dropColumn(PgNode command, Target table, String column, AlterTableRules.Scope scope) {
        Review review = scope.review();
        scope.effect(LockMode.ACCESS_EXCLUSIVE, Work.CATALOG_ONLY, "DROP COLUMN only marks the column dropped");
        boolean cascade = Pg17.value(Pg17.DropBehavior.class, command, "behavior").orElse(Pg17.DropBehavior.RESTRICT)
                == Pg17.DropBehavior.CASCADE;
        List<String> notes = new ArrayList<>();
        table.facts().ifPresent(t -> {
            for (SchemaFacts.Constraint key : t.constraints()) {
                if (key.kind() == SchemaFacts.ConstraintKind.FOREIGN_KEY && key.columns().contains(column)) {
                    key.references().ifPresent(ref -> review.effect(review.target(ref), LockMode.ACCESS_EXCLUSIVE,
                            Work.CATALOG_ONLY, "the foreign key " + key.name() + " of " + table
                                    + " goes with the column, and with it its triggers on this table"));
                }
            }
            for (SchemaFacts.ForeignKey key : t.referencing(column)) {
                if (cascade) {
                    review.effect(review.target(key.table()), LockMode.ACCESS_EXCLUSIVE, Work.CATALOG_ONLY,
                            "its foreign key " + key.name() + " is dropped by CASCADE");
                    notes.add("CASCADE also drops the foreign key " + key.name() + " of " + key.table());
                } else {
                    notes.add("the statement fails because the foreign key " + key.name() + " of " + key.table()
                            + " references the column");
                }
            }
        });
        if (table.live()) {
            review.flag(BAN_DROP_COLUMN, "DROP COLUMN " + Words.column(table.name(), column) + " deletes its data, and "
                    + "queries of the running application that name it start failing"
                    + (notes.isEmpty() ? "" : "; " + String.join("; ", notes)));
        }
    }

    private static void alterType(PgNode def, Target table, String column, AlterTableRules.Scope scope) {
        Review review = scope.review();
        String where = Words.column(table.name(), column);
        TypeName written = TypeName.of(def.node("typeName").orElseThrow());
        Optional<SchemaFacts.Column> facts = table.column(column);
        TypeChange change = facts.map(c -> TypeChange.of(c, def, review,
                        table.facts().map(t -> !t.indexesOn(column).isEmpty()).orElse(false)))
                .orElse(new TypeChange(Work.REWRITE, "the column is not on the source, so a rewrite is assumed", true));
        scope.effect(LockMode.ACCESS_EXCLUSIVE, change.work(), "ALTER COLUMN " + column + " TYPE " + written + ": "
                + change.reason());
        table.facts().ifPresent(t -> {
            for (SchemaFacts.Constraint key : t.constraints()) {
                if (key.kind() == SchemaFacts.ConstraintKind.FOREIGN_KEY && key.columns().contains(column)) {
                    key.references().ifPresent(ref -> review.effect(review.target(ref), LockMode.ACCESS_EXCLUSIVE,
                            Work.CATALOG_ONLY, "the foreign key " + key.name() + " of " + table + " is re-created"));
                }
            }
            for (SchemaFacts.ForeignKey key : t.referencing(column)) {
                boolean revalidated = change.work() == Work.REWRITE;
                review.effect(review.target(key.table()), LockMode.ACCESS_EXCLUSIVE,
                        revalidated ? Work.FULL_SCAN : Work.CATALOG_ONLY, "its foreign key " + key.name()
                                + " is re-created" + (revalidated ? " and validated again" : ""));
            }
        });
        if (table.live() && change.work() != Work.CATALOG_ONLY) {
            review.flag(CHANGING_COLUMN_TYPE, "ALTER COLUMN " + where + " TYPE " + written + ": " + change.reason()
                    + "; " + (change.work() == Work.REWRITE ? "the table and its indexes are rewritten" : "indexes are rebuilt")
                    + " while holding " + Words.lockOn(LockMode.ACCESS_EXCLUSIVE, table) + size(table)
                    + (change.narrows() ? ", and it fails if a stored value does not convert" : ""));
        }
        TypeRules.preferences(written, where, review);
    }

    static java.util.stream.Stream<PgNode> ofType(List<PgNode> constraints, ConstrType type) {
        return constraints.stream().filter(c -> Pg17.value(ConstrType.class, c, "contype").orElse(null) == type);
    }

    static Work max(Work a, Work b) {
        List<Work> cost = List.of(Work.CATALOG_ONLY, Work.FULL_SCAN, Work.INDEX_BUILD, Work.ROW_WRITES, Work.REWRITE);
        return cost.indexOf(a) >= cost.indexOf(b) ? a : b;
    }

    static String size(Target table) {
        return table.facts().map(Words::size).orElse("");
    }
}
