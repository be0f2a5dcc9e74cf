package dev.safeshift.postgres.check;

import static dev.safeshift.check.Severity.CRITICAL;
import static dev.safeshift.check.Severity.HIGH;
import static dev.safeshift.check.Severity.LOW;
import static dev.safeshift.check.Severity.MEDIUM;

import dev.safeshift.plan.QualifiedName;
import dev.safeshift.postgres.check.Pg17.DropBehavior;
import dev.safeshift.postgres.check.Pg17.ObjectType;
import dev.safeshift.postgres.parse.PgNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Statements about whole tables and other objects: CREATE, DROP, TRUNCATE, RENAME, SET SCHEMA. */
final class TableRules {

    static final Rule RENAMING_TABLE = new Rule("renaming-table", HIGH, "ACCESS EXCLUSIVE", "CATALOG_ONLY",
            "ALTER TABLE ... RENAME TO on an existing table: the running application's queries use the old name and "
            + "fail from the moment it commits", "Create the new name as a view (or rename and leave a view under the "
            + "old name) until every client uses the new name", PgDocs.ALTER_TABLE);
    static final Rule RENAMING_COLUMN = new Rule("renaming-column", HIGH, "ACCESS EXCLUSIVE", "CATALOG_ONLY",
            "ALTER TABLE ... RENAME COLUMN on an existing table: queries that use the old name fail as soon as it "
            + "commits", "Add the new column, write both, backfill, move readers over, then drop the old one",
            PgDocs.ALTER_TABLE);
    static final Rule RENAMING_OBJECT = new Rule("renaming-object", MEDIUM, "varies", "CATALOG_ONLY",
            "Renaming or moving a view, sequence, type, enum value, function or schema: code that uses the old name "
            + "breaks", "Keep the old name until no client uses it", PgDocs.SQL_COMMANDS);
    static final Rule BAN_SET_SCHEMA = new Rule("ban-set-schema", HIGH, "ACCESS EXCLUSIVE", "CATALOG_ONLY",
            "ALTER TABLE ... SET SCHEMA: the table moves, and queries that name it by its old schema (or find it "
            + "through the search path) stop finding it", "Leave a view in the old place until every client is moved",
            PgDocs.ALTER_SCHEMA_OBJECT);
    static final Rule BAN_DROP_TABLE = new Rule("ban-drop-table", HIGH, "ACCESS EXCLUSIVE on it and on the tables its "
            + "foreign keys involve", "CATALOG_ONLY", "DROP TABLE of an existing table: its data is gone, and the "
            + "application's queries on it fail", "Rename it away first (or revoke access) and drop it once nothing "
            + "used it for a while; keep a backup", PgDocs.DROP_TABLE);
    static final Rule BAN_TRUNCATE = new Rule("ban-truncate", HIGH, "ACCESS EXCLUSIVE", "CATALOG_ONLY",
            "TRUNCATE of an existing table: every row is deleted at once, outside what a WHERE could limit",
            "Delete the rows you mean to delete, in batches; keep a backup", PgDocs.TRUNCATE);
    static final Rule BAN_TRUNCATE_CASCADE = new Rule("ban-truncate-cascade", CRITICAL, "ACCESS EXCLUSIVE on every "
            + "table reached", "CATALOG_ONLY", "TRUNCATE ... CASCADE: every table that references the truncated ones "
            + "through a foreign key is emptied too, however far the references reach",
            "Truncate or delete from each table by name, knowing what each one holds", PgDocs.TRUNCATE);
    static final Rule BAN_DROP_SCHEMA = new Rule("ban-drop-schema", HIGH, "ACCESS EXCLUSIVE on its objects", "none",
            "DROP SCHEMA: with CASCADE every table in it is dropped with its data", "Drop the objects one by one, "
            + "knowing what each one holds", PgDocs.DROP_SCHEMA);
    static final Rule BAN_DROP_DATABASE = new Rule("ban-drop-database", CRITICAL, "none", "none",
            "DROP DATABASE in a migration: the whole database is gone", "Never drop a database from a migration; do it "
            + "by hand after a backup", PgDocs.DROP_DATABASE);
    static final Rule PREFER_ATTACH_PARTITION = new Rule("prefer-attach-partition", MEDIUM,
            "ACCESS EXCLUSIVE on the partitioned table", "CATALOG_ONLY",
            "CREATE TABLE ... PARTITION OF an existing partitioned table: reads and writes of the whole partitioned "
            + "table wait for the lock (and a DEFAULT partition is scanned)",
            "CREATE TABLE ... (LIKE parent INCLUDING ALL), add a CHECK matching the bound, then ALTER TABLE parent "
            + "ATTACH PARTITION, which takes only SHARE UPDATE EXCLUSIVE on the parent", PgDocs.PARTITIONING);
    static final Rule REQUIRE_TABLE_SCHEMA = new Rule("require-table-schema", LOW, "none", "none",
            "CREATE TABLE without a schema: where it lands depends on the search_path of whoever runs the migration",
            "Write the schema: CREATE TABLE app.orders (...)", PgDocs.SEARCH_PATH);

    private TableRules() {
    }

    static List<Rule> rules() {
        return List.of(RENAMING_TABLE, RENAMING_COLUMN, RENAMING_OBJECT, BAN_SET_SCHEMA, BAN_DROP_TABLE, BAN_TRUNCATE,
                BAN_TRUNCATE_CASCADE, BAN_DROP_SCHEMA, BAN_DROP_DATABASE, PREFER_ATTACH_PARTITION, REQUIRE_TABLE_SCHEMA);
    }

    static boolean create(PgNode create, Review review) {
        PgNode relation = create.node("relation").orElseThrow();
        Optional<String> schema = relation.text("schemaname");
        String name = relation.text("relname").orElse("?");
        if (create.flag("if_not_exists") && review.facts.table(schema, name).isPresent()) {
            return true; // nothing happens
        }
        boolean temporary = "t".equals(relation.text("relpersistence").orElse("p"));
        QualifiedName table = new QualifiedName(schema.orElseGet(review.facts::creationSchema), name);
        review.script.created(table);
        review.schemaChange();
        Target created = new Target(table, Optional.empty(), true);
        review.effect(created, LockMode.ACCESS_EXCLUSIVE, Work.CATALOG_ONLY, "a new, empty table");
        if (schema.isEmpty() && !temporary) {
            review.flag(REQUIRE_TABLE_SCHEMA, "CREATE TABLE " + name + " has no schema; on the source it would land in "
                    + review.facts.creationSchema());
        }
        List<PgNode> parents = create.nodes("inhRelations");
        if (create.node("partbound").isPresent() && !parents.isEmpty()) {
            Target parent = review.target(parents.get(0));
            review.effect(parent, LockMode.ACCESS_EXCLUSIVE, Work.CATALOG_ONLY, "a new partition is added to it");
            if (parent.live()) {
                review.flag(PREFER_ATTACH_PARTITION, "CREATE TABLE " + table + " PARTITION OF " + parent + " takes "
                        + Words.lockOn(LockMode.ACCESS_EXCLUSIVE, parent) + " (and scans a DEFAULT partition, if it "
                        + "has one)");
            }
        } else {
            for (PgNode parent : parents) {
                review.effect(review.target(parent), LockMode.SHARE_UPDATE_EXCLUSIVE, Work.CATALOG_ONLY,
                        "a new child table inherits from it");
            }
        }
        for (PgNode element : create.nodes("tableElts")) {
            if (element.is("COLUMNDEF")) {
                String column = element.text("colname").orElse("?");
                element.node("typeName").ifPresent(t -> TypeRules.preferences(TypeName.of(t), Words.column(table, column),
                        review));
                element.nodes("constraints").forEach(c -> referencedBy(c, table, review));
            } else if (element.is("CONSTRAINT")) {
                referencedBy(element, table, review);
            } else if (element.is("TABLELIKECLAUSE")) {
                element.node("relation").ifPresent(like -> review.effect(review.target(like), LockMode.ACCESS_SHARE,
                        Work.CATALOG_ONLY, "LIKE copies its definition"));
            }
        }
        return true;
    }

    /** A foreign key of a new table locks the table it references, which may be an existing one. */
    private static void referencedBy(PgNode constraint, QualifiedName table, Review review) {
        if (Pg17.value(Pg17.ConstrType.class, constraint, "contype").orElse(null) != Pg17.ConstrType.FOREIGN) {
            return;
        }
        Target referenced = review.target(constraint.node("pktable").orElseThrow());
        if (!referenced.name().equals(table)) {
            review.effect(referenced, LockMode.SHARE_ROW_EXCLUSIVE, Work.CATALOG_ONLY,
                    "the new table's foreign key adds its triggers here");
        }
    }

    /** CREATE TABLE ... AS and CREATE MATERIALIZED VIEW: a new relation filled from a query. */
    static boolean createAs(PgNode create, Review review) {
        PgNode into = create.node("into").orElseThrow();
        PgNode relation = into.node("rel").orElseThrow();
        QualifiedName table = new QualifiedName(relation.text("schemaname").orElseGet(review.facts::creationSchema),
                relation.text("relname").orElse("?"));
        review.script.created(table);
        review.schemaChange();
        boolean filled = !into.flag("skipData");
        review.effect(new Target(table, Optional.empty(), true), LockMode.ACCESS_EXCLUSIVE,
                filled ? Work.ROW_WRITES : Work.CATALOG_ONLY, "a new relation" + (filled ? ", filled from the query" : ""));
        // The parser analyses the query of CREATE TABLE AS, so its tables are range table entries.
        create.node("query").ifPresent(query -> DmlRules.uses(query, review).forEach(use -> review.effect(use.table(),
                use.lock(), filled ? Work.FULL_SCAN : Work.CATALOG_ONLY, "read to fill " + table)));
        return true;
    }

    /** CREATE VIEW: the tables it reads are locked (ACCESS SHARE) while its definition is stored. */
    static boolean createView(PgNode view, Review review) {
        view.node("query").ifPresent(query -> readTables(query, review, Work.CATALOG_ONLY,
                "the view's definition refers to it"));
        return true;
    }

    /** The existing tables a query (as written, not analysed) names; names of CTEs and unknown names are left out. */
    private static void readTables(PgNode query, Review review, Work work, String why) {
        for (PgNode node : query.descendants()) {
            if (node.is("RANGEVAR")) {
                Target table = review.target(node);
                if (table.facts().isPresent() || table.created()) {
                    review.effect(table, LockMode.ACCESS_SHARE, work, why);
                }
            }
        }
    }

    static boolean drop(PgNode drop, Review review) {
        ObjectType kind = Pg17.value(ObjectType.class, drop, "removeType").orElse(null);
        if (kind == null) {
            return false;
        }
        boolean cascade = Pg17.value(DropBehavior.class, drop, "behavior").orElse(DropBehavior.RESTRICT)
                == DropBehavior.CASCADE;
        switch (kind) {
            case INDEX -> {
                return IndexRules.drop(drop, review);
            }
            case TABLE -> {
                for (Object object : drop.list("objects")) {
                    dropTable(IndexRules.namesOf(object), cascade, review);
                }
            }
            case SCHEMA -> {
                review.schemaChange();
                for (Object object : drop.list("objects")) {
                    String schema = IndexRules.namesOf(object).get(0);
                    if (cascade) {
                        review.facts.tablesIn(schema).forEach(table -> review.effect(review.target(table),
                                LockMode.ACCESS_EXCLUSIVE, Work.CATALOG_ONLY, "DROP SCHEMA ... CASCADE drops it"));
                    }
                    review.flag(BAN_DROP_SCHEMA, "DROP SCHEMA " + dev.safeshift.plan.SqlNames.write(schema)
                            + (cascade ? " CASCADE drops every table in it, with its data"
                            : " fails unless the schema is empty; with CASCADE it would drop every table in it"));
                }
            }
            case VIEW, MATVIEW, SEQUENCE, TYPE, DOMAIN, FUNCTION, PROCEDURE, ROUTINE -> review.schemaChange();
            case POLICY, TRIGGER, RULE -> {
                review.schemaChange();
                for (Object object : drop.list("objects")) {
                    List<String> names = IndexRules.namesOf(object);
                    if (names.size() >= 2) {
                        List<String> table = names.subList(0, names.size() - 1);
                        Target target = review.target(table.size() == 2 ? Optional.of(table.get(0)) : Optional.empty(),
                                table.get(table.size() - 1));
                        if (target.facts().isPresent() || target.created()) {
                            review.effect(target, LockMode.ACCESS_EXCLUSIVE, Work.CATALOG_ONLY,
                                    "DROP " + kind + " changes the table's definition");
                        }
                    }
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private static void dropTable(List<String> names, boolean cascade, Review review) {
        review.schemaChange();
        Optional<String> schema = names.size() > 1 ? Optional.of(names.get(names.size() - 2)) : Optional.empty();
        Target table = review.target(schema, names.get(names.size() - 1));
        if (table.facts().isEmpty() && !table.created()) {
            return;
        }
        review.effect(table, LockMode.ACCESS_EXCLUSIVE, Work.CATALOG_ONLY, "DROP TABLE removes it");
        List<String> notes = new ArrayList<>();
        table.facts().ifPresent(t -> {
            for (SchemaFacts.Constraint key : t.constraints()) {
                key.references().filter(ref -> !ref.equals(t.name())).ifPresent(ref -> review.effect(review.target(ref),
                        LockMode.ACCESS_EXCLUSIVE, Work.CATALOG_ONLY, "the dropped table's foreign key " + key.name()
                                + " has triggers here, which are dropped"));
            }
            for (SchemaFacts.ForeignKey key : t.referencedBy()) {
                if (key.table().equals(t.name())) {
                    continue;
                }
                if (cascade) {
                    review.effect(review.target(key.table()), LockMode.ACCESS_EXCLUSIVE, Work.CATALOG_ONLY,
                            "its foreign key " + key.name() + " is dropped by CASCADE");
                    notes.add("CASCADE drops the foreign key " + key.name() + " of " + key.table());
                } else {
                    notes.add("it fails while " + key.table() + " references it (" + key.name() + ")");
                }
            }
        });
        if (table.live()) {
            review.flag(BAN_DROP_TABLE, "DROP TABLE " + table + " deletes its data" + ColumnRules.size(table)
                    + " and breaks every query that uses it" + (notes.isEmpty() ? "" : "; " + String.join("; ", notes)));
        }
    }

    static boolean dropDatabase(PgNode drop, Review review) {
        review.flag(BAN_DROP_DATABASE, "DROP DATABASE " + drop.text("dbname").orElse("?") + " deletes the whole "
                + "database");
        StatementRules.requireOutsideBlock(review, "DROP DATABASE");
        return true;
    }

    static boolean truncate(PgNode truncate, Review review) {
        boolean cascade = Pg17.value(DropBehavior.class, truncate, "behavior").orElse(DropBehavior.RESTRICT)
                == DropBehavior.CASCADE;
        review.schemaChange();
        List<Target> named = truncate.nodes("relations").stream().map(review::target).toList();
        Set<QualifiedName> emptied = new LinkedHashSet<>();
        named.forEach(t -> emptied.add(t.name()));
        List<String> failures = new ArrayList<>();
        List<Target> reached = new ArrayList<>();
        List<Target> pending = new ArrayList<>(named);
        while (!pending.isEmpty()) {
            Target table = pending.remove(0);
            for (SchemaFacts.ForeignKey key : table.facts().map(SchemaFacts.Table::referencedBy).orElse(List.of())) {
                if (emptied.contains(key.table())) {
                    continue;
                }
                if (cascade) {
                    emptied.add(key.table());
                    Target referencing = review.target(key.table());
                    reached.add(referencing);
                    pending.add(referencing);
                } else {
                    failures.add(key.table() + " references " + table + " (" + key.name() + ")");
                }
            }
        }
        for (Target table : named) {
            new AlterTableRules.Scope(review, table, true).effect(LockMode.ACCESS_EXCLUSIVE, Work.CATALOG_ONLY,
                    "TRUNCATE gives the table a new, empty file");
        }
        for (Target table : reached) {
            review.effect(table, LockMode.ACCESS_EXCLUSIVE, Work.CATALOG_ONLY, "TRUNCATE ... CASCADE empties it too");
        }
        List<Target> live = named.stream().filter(Target::live).toList();
        if (!live.isEmpty()) {
            review.flag(BAN_TRUNCATE, "TRUNCATE deletes every row of " + Words.list(live) + ", holding "
                    + Words.lockOn(LockMode.ACCESS_EXCLUSIVE, live.size() == 1 ? live.get(0) : "each")
                    + (failures.isEmpty() ? "" : "; it fails as written: " + String.join("; ", failures)));
        }
        if (cascade) {
            review.flag(BAN_TRUNCATE_CASCADE, "TRUNCATE ... CASCADE also empties "
                    + (reached.isEmpty() ? "every table that references these ones (none on the source now)"
                    : Words.list(reached)));
        }
        return true;
    }

    static boolean rename(PgNode rename, Review review) {
        ObjectType kind = Pg17.value(ObjectType.class, rename, "renameType").orElse(null);
        if (kind == null) {
            return false;
        }
        String newName = rename.text("newname").orElse("?");
        review.schemaChange();
        switch (kind) {
            case TABLE -> {
                Target table = review.target(rename.node("relation").orElseThrow());
                review.effect(table, LockMode.ACCESS_EXCLUSIVE, Work.CATALOG_ONLY, "RENAME changes only the catalog");
                if (table.live()) {
                    review.flag(RENAMING_TABLE, "RENAME " + table + " TO " + newName + ": queries that name " + table
                            + " fail once this commits");
                } else {
                    review.script.created(new QualifiedName(table.name().schema(), newName));
                }
            }
            case COLUMN -> {
                Target table = review.target(rename.node("relation").orElseThrow());
                String column = rename.text("subname").orElse("?");
                review.effect(table, LockMode.ACCESS_EXCLUSIVE, Work.CATALOG_ONLY, "RENAME COLUMN changes only the catalog");
                if (table.live()) {
                    review.flag(RENAMING_COLUMN, "RENAME COLUMN " + Words.column(table.name(), column) + " TO " + newName
                            + ": queries that use " + column + " fail once this commits");
                }
            }
            case TABCONSTRAINT -> review.effect(review.target(rename.node("relation").orElseThrow()),
                    LockMode.ACCESS_EXCLUSIVE, Work.CATALOG_ONLY, "RENAME CONSTRAINT changes only the catalog");
            case INDEX -> {
                // ALTER INDEX ... RENAME locks only the index (SHARE UPDATE EXCLUSIVE), not its table.
            }
            case VIEW, MATVIEW, SEQUENCE, TYPE, DOMAIN, FUNCTION, PROCEDURE, SCHEMA, ATTRIBUTE -> review.flag(
                    RENAMING_OBJECT, "RENAME of a " + kind.name().toLowerCase(java.util.Locale.ROOT) + " to " + newName
                            + ": code that uses the old name breaks once this commits");
            default -> {
                return false;
            }
        }
        return true;
    }

    static boolean setSchema(PgNode alter, Review review) {
        ObjectType kind = Pg17.value(ObjectType.class, alter, "objectType").orElse(null);
        String schema = alter.text("newschema").orElse("?");
        review.schemaChange();
        if (kind == ObjectType.TABLE) {
            Target table = review.target(alter.node("relation").orElseThrow());
            review.effect(table, LockMode.ACCESS_EXCLUSIVE, Work.CATALOG_ONLY, "SET SCHEMA changes only the catalog");
            if (table.live()) {
                review.flag(BAN_SET_SCHEMA, "SET SCHEMA moves " + table + " to " + schema + ": queries that find it "
                        + "under its old schema fail once this commits");
            }
            return true;
        }
        if (kind == ObjectType.VIEW || kind == ObjectType.SEQUENCE || kind == ObjectType.TYPE
                || kind == ObjectType.DOMAIN || kind == ObjectType.FUNCTION) {
            review.flag(RENAMING_OBJECT, "SET SCHEMA moves a " + kind.name().toLowerCase(java.util.Locale.ROOT) + " to "
                    + schema + ": code that names it by its old schema breaks");
            return true;
        }
        return false;
    }
}
