package dev.safeshift.postgres.check;

import static dev.safeshift.check.Severity.HIGH;
import static dev.safeshift.check.Severity.MEDIUM;

import dev.safeshift.plan.QualifiedName;
import dev.safeshift.postgres.check.Pg17.AlterTableType;
import dev.safeshift.postgres.check.Pg17.ObjectType;
import dev.safeshift.postgres.parse.PgNode;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ALTER TABLE: dispatches each subcommand to the column or constraint rules, and reviews the
 * subcommands about the table as a whole (storage, partitions, triggers, settings). The lock of a
 * subcommand is the one ALTER TABLE's documentation lists for it, checked against PostgreSQL 15's
 * pg_locks by the corpus test.
 */
final class AlterTableRules {

    static final Rule REWRITING_TABLE_STORAGE = new Rule("rewriting-table-storage", HIGH, "ACCESS EXCLUSIVE", "REWRITE",
            "SET LOGGED, SET UNLOGGED, SET ACCESS METHOD or SET TABLESPACE: the whole table (and its indexes) is "
            + "copied while reads and writes wait",
            "Do it when the table is small or in a maintenance window, or move the data with an online copy (a new "
            + "table kept in sync, then a switch)", PgDocs.ALTER_TABLE);
    static final Rule ATTACHING_PARTITION_SCANS = new Rule("attaching-partition-scans", MEDIUM,
            "SHARE UPDATE EXCLUSIVE on the parent, ACCESS EXCLUSIVE on the partition", "FULL_SCAN",
            "ATTACH PARTITION of a table with rows: the partition is scanned to check its rows fit the bound while it "
            + "is locked against reads and writes",
            "Before attaching, add a CHECK constraint matching the bound NOT VALID and VALIDATE it; ATTACH then skips "
            + "the scan", PgDocs.ALTER_TABLE_ATTACH);
    static final Rule REQUIRE_CONCURRENT_PARTITION_DETACH = new Rule("require-concurrent-partition-detach", HIGH,
            "ACCESS EXCLUSIVE on the parent and the partition", "CATALOG_ONLY",
            "DETACH PARTITION without CONCURRENTLY (PostgreSQL 14 and later): reads and writes of the whole "
            + "partitioned table wait for the lock",
            "DETACH PARTITION ... CONCURRENTLY, outside a transaction block (SHARE UPDATE EXCLUSIVE only)",
            PgDocs.ALTER_TABLE_DETACH);

    /** Subcommands whose lock and (catalog-only) work do not depend on anything else. */
    private static final Map<AlterTableType, LockMode> SIMPLE = new EnumMap<>(AlterTableType.class);

    static {
        for (AlterTableType type : List.of(AlterTableType.CHANGE_OWNER, AlterTableType.REPLICA_IDENTITY,
                AlterTableType.ENABLE_ROW_SECURITY, AlterTableType.DISABLE_ROW_SECURITY,
                AlterTableType.FORCE_ROW_SECURITY, AlterTableType.NO_FORCE_ROW_SECURITY, AlterTableType.ENABLE_RULE,
                AlterTableType.ENABLE_ALWAYS_RULE, AlterTableType.ENABLE_REPLICA_RULE, AlterTableType.DISABLE_RULE,
                AlterTableType.ADD_OF, AlterTableType.DROP_OF, AlterTableType.GENERIC_OPTIONS,
                AlterTableType.DROP_INHERIT)) {
            SIMPLE.put(type, LockMode.ACCESS_EXCLUSIVE);
        }
        for (AlterTableType type : List.of(AlterTableType.ENABLE_TRIG, AlterTableType.ENABLE_ALWAYS_TRIG,
                AlterTableType.ENABLE_REPLICA_TRIG, AlterTableType.DISABLE_TRIG, AlterTableType.ENABLE_TRIG_ALL,
                AlterTableType.DISABLE_TRIG_ALL, AlterTableType.ENABLE_TRIG_USER, AlterTableType.DISABLE_TRIG_USER)) {
            SIMPLE.put(type, LockMode.SHARE_ROW_EXCLUSIVE);
        }
        for (AlterTableType type : List.of(AlterTableType.CLUSTER_ON, AlterTableType.DROP_CLUSTER,
                AlterTableType.SET_REL_OPTIONS, AlterTableType.RESET_REL_OPTIONS)) {
            SIMPLE.put(type, LockMode.SHARE_UPDATE_EXCLUSIVE);
        }
    }

    private static final Set<AlterTableType> STORAGE = Set.of(AlterTableType.SET_LOGGED, AlterTableType.SET_UNLOGGED,
            AlterTableType.SET_ACCESS_METHOD, AlterTableType.SET_TABLESPACE);

    private AlterTableRules() {
    }

    static List<Rule> rules() {
        return List.of(REWRITING_TABLE_STORAGE, ATTACHING_PARTITION_SCANS, REQUIRE_CONCURRENT_PARTITION_DETACH);
    }

    /**
     * Where a subcommand's effect lands: on the table, and for a partitioned table (without ONLY)
     * on each of its partitions too, which ALTER TABLE locks the same way and where the rows are.
     */
    record Scope(Review review, Target table, boolean recurse) {

        void effect(LockMode lock, Work work, String why) {
            effect(table, lock, work, why, 0);
        }

        private void effect(Target on, LockMode lock, Work work, String why, int depth) {
            if (recurse && on.partitioned() && depth < 8) {
                review.effect(on, lock, Work.CATALOG_ONLY, why + " (a partitioned table holds no rows itself)");
                for (QualifiedName partition : on.facts().orElseThrow().partitions()) {
                    effect(review.target(partition), lock, work, why + ", on each partition of " + table, depth + 1);
                }
            } else {
                review.effect(on, lock, work, why);
            }
        }
    }

    static boolean review(PgNode alter, Review review) {
        ObjectType kind = Pg17.value(ObjectType.class, alter, "objtype").orElse(ObjectType.TABLE);
        if (kind != ObjectType.TABLE && kind != ObjectType.MATVIEW && kind != ObjectType.FOREIGN_TABLE) {
            return false;
        }
        PgNode relation = alter.node("relation").orElseThrow();
        Target table = review.target(relation);
        if (table.facts().isEmpty() && !table.created() && alter.flag("missing_ok")) {
            return true; // ALTER TABLE IF EXISTS of a table that does not exist does nothing
        }
        review.schemaChange();
        StatementRules.checkExists(table, review);
        Scope scope = new Scope(review, table, relation.flag("inh"));
        for (PgNode command : alter.nodes("cmds")) {
            AlterTableType type = Pg17.value(AlterTableType.class, command, "subtype").orElse(null);
            if (type == null || !(ColumnRules.review(type, command, table, scope)
                    || ConstraintRules.review(type, command, table, scope) || tableCommand(type, command, table, scope))) {
                review.flag(StatementRules.UNKNOWN_STATEMENT, "Safeshift does not know the lock ALTER TABLE "
                        + (type == null ? "subcommand " + command.text("subtype").orElse("?") : type.name().replace('_', ' '))
                        + " takes; run safeshift check --trace");
            }
        }
        return true;
    }

    private static boolean tableCommand(AlterTableType type, PgNode command, Target table, Scope scope) {
        Review review = scope.review();
        if (SIMPLE.containsKey(type)) {
            scope.effect(SIMPLE.get(type), Work.CATALOG_ONLY, type.name().replace('_', ' ') + " changes only the catalog");
            if (type == AlterTableType.DROP_INHERIT) {
                command.node("def").ifPresent(parent -> review.effect(review.target(parent), LockMode.ACCESS_SHARE,
                        Work.CATALOG_ONLY, "NO INHERIT reads the parent's definition"));
            }
            return true;
        }
        if (STORAGE.contains(type)) {
            String what = type.name().replace('_', ' ');
            scope.effect(LockMode.ACCESS_EXCLUSIVE, Work.REWRITE, what + " copies the table and its indexes");
            if (table.live()) {
                review.flag(REWRITING_TABLE_STORAGE, what + " copies " + table + ColumnRules.size(table) + " while holding "
                        + Words.lockOn(LockMode.ACCESS_EXCLUSIVE, table));
            }
            return true;
        }
        if (type == AlterTableType.ADD_INHERIT) {
            scope.effect(LockMode.ACCESS_EXCLUSIVE, Work.CATALOG_ONLY, "INHERIT changes only the catalog");
            command.node("def").ifPresent(parent -> review.effect(review.target(parent), LockMode.SHARE_UPDATE_EXCLUSIVE,
                    Work.CATALOG_ONLY, "a new child is added to it"));
            return true;
        }
        if (type == AlterTableType.ATTACH_PARTITION) {
            attach(command.node("def").orElseThrow(), table, review);
            return true;
        }
        if (type == AlterTableType.DETACH_PARTITION || type == AlterTableType.DETACH_PARTITION_FINALIZE) {
            detach(command.node("def").orElseThrow(), table, type, review);
            return true;
        }
        return false;
    }

    private static void attach(PgNode partitionCommand, Target parent, Review review) {
        Target partition = review.target(partitionCommand.node("name").orElseThrow());
        boolean weak = review.facts.serverVersion() >= 120000;
        LockMode parentLock = weak ? LockMode.SHARE_UPDATE_EXCLUSIVE : LockMode.ACCESS_EXCLUSIVE;
        review.effect(parent, parentLock, Work.CATALOG_ONLY, "ATTACH PARTITION adds " + partition + " to the catalog");
        review.effect(partition, LockMode.ACCESS_EXCLUSIVE, partition.live() ? Work.FULL_SCAN : Work.CATALOG_ONLY,
                partition.live() ? "its rows are read to check they fit the partition bound (skipped when a valid "
                        + "CHECK constraint implies the bound)" : "a new table has no rows to check");
        if (partition.live() && partition.facts().map(SchemaFacts.Table::holdsRows).orElse(true)) {
            review.flag(ATTACHING_PARTITION_SCANS, "ATTACH PARTITION " + partition + " reads all its rows"
                    + ColumnRules.size(partition) + " while holding " + Words.lockOn(LockMode.ACCESS_EXCLUSIVE, partition)
                    + ", unless a validated CHECK constraint already implies the bound; " + parent + " gets "
                    + Words.lockOn(parentLock, parent));
        }
    }

    private static void detach(PgNode partitionCommand, Target parent, AlterTableType type, Review review) {
        Target partition = review.target(partitionCommand.node("name").orElseThrow());
        boolean concurrent = partitionCommand.flag("concurrent") || type == AlterTableType.DETACH_PARTITION_FINALIZE;
        LockMode lock = concurrent ? LockMode.SHARE_UPDATE_EXCLUSIVE : LockMode.ACCESS_EXCLUSIVE;
        review.effect(parent, lock, Work.CATALOG_ONLY, "DETACH PARTITION removes " + partition + " from the catalog");
        review.effect(partition, lock, Work.CATALOG_ONLY, "DETACH PARTITION makes it a table of its own");
        parent.facts().ifPresent(t -> t.referencedBy().forEach(key -> review.effect(review.target(key.table()),
                LockMode.SHARE, Work.CATALOG_ONLY, "its foreign key " + key.name() + " references the partitioned table")));
        if (concurrent) {
            StatementRules.requireOutsideBlock(review, "DETACH PARTITION ... CONCURRENTLY");
        } else if (parent.live() && review.facts.serverVersion() >= 140000) {
            review.flag(REQUIRE_CONCURRENT_PARTITION_DETACH, "DETACH PARTITION " + partition + " takes "
                    + Words.lockOn(LockMode.ACCESS_EXCLUSIVE, parent) + " (and on the partition) until the transaction "
                    + "ends");
        }
    }
}
