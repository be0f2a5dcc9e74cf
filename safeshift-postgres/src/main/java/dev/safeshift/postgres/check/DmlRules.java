package dev.safeshift.postgres.check;

import static dev.safeshift.check.Severity.HIGH;

import dev.safeshift.plan.QualifiedName;
import dev.safeshift.postgres.check.Pg17.CmdType;
import dev.safeshift.postgres.parse.PgNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * INSERT, UPDATE, DELETE, MERGE and SELECT, analysed by the parser server: every table the query
 * uses is a range table entry with the lock the executor will take on it ({@code rellockmode}),
 * subqueries and CTEs included. Foreign keys add locks the query does not show: writing a row
 * that references another table, or deleting a row other tables reference, runs a check that
 * reads the other table's matching row FOR KEY SHARE (ROW SHARE on that table).
 */
final class DmlRules {

    static final Rule BACKFILL_WHOLE_TABLE = new Rule("backfill-whole-table", HIGH, "ROW EXCLUSIVE", "ROW_WRITES",
            "UPDATE without WHERE on an existing table: every row is rewritten in one transaction, holding a row lock on "
            + "each until it commits, bloating the table and its indexes and flooding the WAL (and replicas)",
            "Update in batches of a few thousand rows by key range, each in its own transaction",
            PgDocs.UPDATE);
    static final Rule DELETE_WHOLE_TABLE = new Rule("delete-whole-table", HIGH, "ROW EXCLUSIVE", "ROW_WRITES",
            "DELETE without WHERE on an existing table: every row is deleted, in one long transaction",
            "Delete what you mean to delete, in batches; keep a backup", PgDocs.DELETE);

    private DmlRules() {
    }

    static List<Rule> rules() {
        return List.of(BACKFILL_WHOLE_TABLE, DELETE_WHOLE_TABLE);
    }

    /** A table an analysed query uses, with the lock the executor takes on it. */
    record Use(Target table, LockMode lock, boolean result) {
    }

    /** Reviews a query; returns whether it writes rows (for the script-level rules), empty when not a known query. */
    static Optional<Boolean> review(PgNode query, Review review) {
        CmdType command = Pg17.value(CmdType.class, query, "commandType").orElse(CmdType.UNKNOWN);
        if (command == CmdType.UNKNOWN || command == CmdType.UTILITY || command == CmdType.NOTHING) {
            return Optional.empty();
        }
        Optional<Target> target = Optional.empty();
        for (Use use : uses(query, review)) {
            if (use.result()) {
                target = Optional.of(use.table());
                review.effect(use.table(), use.lock(), Work.ROW_WRITES, command.name() + " writes its rows");
            } else {
                review.effect(use.table(), use.lock(), Work.FULL_SCAN, "read by the " + command.name()
                        + " (in full unless an index narrows it)");
            }
        }
        if (target.isPresent()) {
            foreignKeyChecks(query, command, target.get(), review);
        }
        boolean whole = query.node("jointree").flatMap(j -> j.node("quals")).isEmpty();
        if (target.isPresent() && target.get().live() && whole) {
            Target table = target.get();
            if (command == CmdType.UPDATE) {
                review.flag(BACKFILL_WHOLE_TABLE, "UPDATE without WHERE rewrites every row of " + table
                        + ColumnRules.size(table) + " in one transaction, holding a lock on each row until it commits");
            } else if (command == CmdType.DELETE) {
                review.flag(DELETE_WHOLE_TABLE, "DELETE without WHERE deletes every row of " + table
                        + ColumnRules.size(table) + " in one transaction");
            }
        }
        return Optional.of(command != CmdType.SELECT);
    }

    /** The tables an analysed query uses (its own range table and those of its subqueries and CTEs). */
    static List<Use> uses(PgNode query, Review review) {
        Optional<PgNode> resultEntry = Optional.empty();
        List<PgNode> entries = query.nodes("rtable");
        int result = query.number("resultRelation");
        if (result >= 1 && result <= entries.size()) {
            resultEntry = Optional.of(entries.get(result - 1));
        }
        List<Use> uses = new ArrayList<>();
        for (PgNode entry : query.descendants()) {
            int mode = entry.number("rellockmode");
            if (!entry.is("RANGETBLENTRY") || entry.number("rtekind") != 0 || mode < 1 || mode > LockMode.values().length) {
                continue;
            }
            Optional<PgNode> result1 = resultEntry;
            name(entry, review).map(review::target).ifPresent(table -> uses.add(new Use(table,
                    LockMode.values()[mode - 1], result1.map(r -> r == entry).orElse(false))));
        }
        return uses;
    }

    /** The ROW SHARE locks the foreign key checks of the written rows take on the tables at the other end. */
    private static void foreignKeyChecks(PgNode query, CmdType command, Target target, Review review) {
        if (target.facts().isEmpty()) {
            return;
        }
        SchemaFacts.Table table = target.facts().get();
        List<PgNode> actions = command == CmdType.MERGE ? query.nodes("mergeActionList") : List.of(query);
        for (PgNode action : actions) {
            CmdType kind = Pg17.value(CmdType.class, action, "commandType").orElse(command);
            Set<String> written = new TreeSet<>();
            action.nodes("targetList").stream().filter(t -> !t.flag("resjunk"))
                    .forEach(t -> t.text("resname").ifPresent(written::add));
            if (kind == CmdType.INSERT || kind == CmdType.UPDATE) {
                for (SchemaFacts.Constraint key : table.constraints()) {
                    boolean checked = key.kind() == SchemaFacts.ConstraintKind.FOREIGN_KEY
                            && (kind == CmdType.INSERT || key.columns().stream().anyMatch(written::contains));
                    if (checked) {
                        key.references().ifPresent(ref -> review.effect(review.target(ref), LockMode.ROW_SHARE,
                                Work.CATALOG_ONLY, "the foreign key " + key.name() + " looks up each written row's key "
                                        + "here FOR KEY SHARE"));
                    }
                }
            }
            if (kind == CmdType.DELETE || kind == CmdType.UPDATE) {
                for (SchemaFacts.ForeignKey key : table.referencedBy()) {
                    if (kind == CmdType.DELETE || key.referencedColumns().stream().anyMatch(written::contains)) {
                        review.effect(review.target(key.table()), LockMode.ROW_SHARE, Work.CATALOG_ONLY,
                                "its foreign key " + key.name() + " is checked for each changed key");
                    }
                }
            }
        }
    }

    /** The table's name: from the parser server's catalog, or the name the query writes when it gives no alias. */
    private static Optional<QualifiedName> name(PgNode entry, Review review) {
        long oid = Long.parseLong(entry.text("relid").orElse("0"));
        Optional<QualifiedName> known = review.relations.name(oid);
        if (known.isPresent()) {
            return known;
        }
        if (entry.node("alias").isPresent()) {
            return Optional.empty();
        }
        return entry.node("eref").flatMap(e -> e.text("aliasname"))
                .map(name -> review.target(Optional.empty(), name).name());
    }
}
