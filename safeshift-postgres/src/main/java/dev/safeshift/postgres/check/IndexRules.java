package dev.safeshift.postgres.check;

import static dev.safeshift.check.Severity.HIGH;
import static dev.safeshift.check.Severity.LOW;
import static dev.safeshift.check.Severity.MEDIUM;

import dev.safeshift.plan.QualifiedName;
import dev.safeshift.postgres.check.Pg17.ReindexObjectType;
import dev.safeshift.postgres.parse.PgNode;
import java.util.List;
import java.util.Optional;

/** CREATE INDEX, DROP INDEX and REINDEX. */
final class IndexRules {

    static final Rule REQUIRE_CONCURRENT_INDEX_CREATION = new Rule("require-concurrent-index-creation", HIGH, "SHARE",
            "INDEX_BUILD", "CREATE INDEX without CONCURRENTLY on an existing table: writes wait for the whole build",
            "CREATE INDEX CONCURRENTLY (SHARE UPDATE EXCLUSIVE; reads and writes go on), outside a transaction block; "
            + "for a partitioned table, CREATE INDEX ON ONLY the parent, build each partition's index concurrently and "
            + "ATTACH it", PgDocs.CREATE_INDEX_CONCURRENTLY);
    static final Rule REQUIRE_CONCURRENT_INDEX_DELETION = new Rule("require-concurrent-index-deletion", MEDIUM,
            "ACCESS EXCLUSIVE", "CATALOG_ONLY", "DROP INDEX without CONCURRENTLY: the table's lock blocks even reads, and "
            + "while it waits for running queries every later query on the table queues behind it",
            "DROP INDEX CONCURRENTLY, outside a transaction block", PgDocs.DROP_INDEX);
    static final Rule BAN_CONCURRENT_INDEX_CREATION_IN_TRANSACTION = new Rule(
            "ban-concurrent-index-creation-in-transaction", HIGH, "none", "none",
            "CREATE INDEX CONCURRENTLY, DROP INDEX CONCURRENTLY or REINDEX CONCURRENTLY inside a transaction block: "
            + "PostgreSQL refuses to run it there, so the migration fails",
            "Run the statement on its own, outside BEGIN ... COMMIT (and tell the migration tool not to wrap it in a "
            + "transaction)", PgDocs.CREATE_INDEX_CONCURRENTLY);
    static final Rule REQUIRE_CONCURRENT_REINDEX = new Rule("require-concurrent-reindex", HIGH,
            "SHARE on the table, ACCESS EXCLUSIVE on the index", "INDEX_BUILD",
            "REINDEX without CONCURRENTLY: writes wait for the rebuild, and so do reads that would use the index",
            "REINDEX ... CONCURRENTLY (PostgreSQL 12 and later), outside a transaction block", PgDocs.REINDEX);
    static final Rule UNIQUE_INDEX_ON_EXISTING_DATA = new Rule("unique-index-on-existing-data", LOW, "SHARE or "
            + "SHARE UPDATE EXCLUSIVE", "INDEX_BUILD", "CREATE UNIQUE INDEX on an existing table: the build fails if "
            + "the rows already hold duplicates, and a failed concurrent build leaves an INVALID index behind",
            "Check for duplicates first (SELECT ... GROUP BY ... HAVING count(*) > 1); after a failed concurrent build, "
            + "DROP INDEX CONCURRENTLY the invalid index", PgDocs.CREATE_INDEX_CONCURRENTLY);
    static final Rule INDEX_TOO_MANY_COLUMNS = new Rule("index-too-many-columns", LOW, "SHARE or SHARE UPDATE EXCLUSIVE",
            "INDEX_BUILD", "A non-unique index on more than three columns: it is large and slow to build and maintain, "
            + "and queries rarely use its later columns", "Index the one to three most selective columns",
            PgDocs.MULTICOLUMN_INDEXES);
    static final Rule PREFER_ROBUST_STMTS = new Rule("prefer-robust-stmts", LOW, "none", "none",
            "CREATE INDEX CONCURRENTLY without IF NOT EXISTS, or DROP INDEX CONCURRENTLY without IF EXISTS: these run "
            + "outside a transaction, so a failure halfway (which leaves an INVALID index) cannot simply be retried",
            "Write IF NOT EXISTS / IF EXISTS, and drop an INVALID index left by a failed build before retrying",
            PgDocs.CREATE_INDEX_CONCURRENTLY);

    private IndexRules() {
    }

    static List<Rule> rules() {
        return List.of(REQUIRE_CONCURRENT_INDEX_CREATION, REQUIRE_CONCURRENT_INDEX_DELETION,
                BAN_CONCURRENT_INDEX_CREATION_IN_TRANSACTION, REQUIRE_CONCURRENT_REINDEX, UNIQUE_INDEX_ON_EXISTING_DATA,
                INDEX_TOO_MANY_COLUMNS, PREFER_ROBUST_STMTS);
    }

    static boolean create(PgNode index, Review review) {
        PgNode relation = index.node("relation").orElseThrow();
        Target table = review.target(relation);
        review.schemaChange();
        StatementRules.checkExists(table, review);
        boolean concurrent = index.flag("concurrent");
        boolean unique = index.flag("unique");
        String name = index.text("idxname").orElse("(unnamed)");
        index.text("idxname").ifPresent(n -> review.script.createdIndex(new QualifiedName(table.name().schema(), n),
                table.name()));
        if (concurrent) {
            review.effect(table, LockMode.SHARE_UPDATE_EXCLUSIVE, Work.INDEX_BUILD, "CREATE INDEX CONCURRENTLY " + name
                    + " reads the table twice while reads and writes go on");
            concurrentInBlock(review, "CREATE INDEX CONCURRENTLY");
            if (!index.flag("if_not_exists")) {
                review.flag(PREFER_ROBUST_STMTS, "CREATE INDEX CONCURRENTLY " + name + " without IF NOT EXISTS: if it "
                        + "fails halfway it leaves an INVALID index named " + name + ", and running the script again "
                        + "fails on that name");
            }
        } else {
            new AlterTableRules.Scope(review, table, relation.flag("inh")).effect(LockMode.SHARE, Work.INDEX_BUILD,
                    "CREATE INDEX " + name + " builds the index");
            if (table.live()) {
                review.flag(REQUIRE_CONCURRENT_INDEX_CREATION, "CREATE " + (unique ? "UNIQUE " : "") + "INDEX " + name
                        + " takes " + Words.lockOn(LockMode.SHARE, table) + ", for the whole build"
                        + ColumnRules.size(table));
            }
        }
        if (table.live() && unique) {
            review.flag(UNIQUE_INDEX_ON_EXISTING_DATA, "CREATE UNIQUE INDEX " + name + " on " + table
                    + " fails if existing rows hold duplicates" + (concurrent ? ", leaving an INVALID index behind" : ""));
        }
        int keys = index.nodes("indexParams").size();
        if (!unique && keys > 3) {
            review.flag(INDEX_TOO_MANY_COLUMNS, "CREATE INDEX " + name + " has " + keys + " key columns");
        }
        return true;
    }

    /** DROP INDEX of each named index; the lock is on the index's table. */
    static boolean drop(PgNode drop, Review review) {
        boolean concurrent = drop.flag("concurrent");
        review.schemaChange();
        for (Object object : drop.list("objects")) {
            List<String> names = namesOf(object);
            Optional<String> schema = names.size() > 1 ? Optional.of(names.get(names.size() - 2)) : Optional.empty();
            String index = names.get(names.size() - 1);
            Optional<QualifiedName> table = review.script.createdIndexTable(schema.orElseGet(review.facts::creationSchema),
                    index).or(() -> review.facts.tableOfIndex(schema, index));
            if (table.isEmpty()) {
                continue;
            }
            Target target = review.target(table.get());
            if (concurrent) {
                review.effect(target, LockMode.SHARE_UPDATE_EXCLUSIVE, Work.CATALOG_ONLY, "DROP INDEX CONCURRENTLY "
                        + index + " waits for running queries, then drops it");
            } else {
                review.effect(target, LockMode.ACCESS_EXCLUSIVE, Work.CATALOG_ONLY, "DROP INDEX " + index
                        + " changes the catalog and removes the index's files");
                if (target.live()) {
                    review.flag(REQUIRE_CONCURRENT_INDEX_DELETION, "DROP INDEX " + index + " takes "
                            + Words.lockOn(LockMode.ACCESS_EXCLUSIVE, target) + "; while it waits for running queries, "
                            + "every new query on the table waits behind it");
                }
            }
        }
        if (concurrent) {
            concurrentInBlock(review, "DROP INDEX CONCURRENTLY");
            if (!drop.flag("missing_ok")) {
                review.flag(PREFER_ROBUST_STMTS, "DROP INDEX CONCURRENTLY without IF EXISTS fails when the script "
                        + "is run again after an interruption");
            }
        }
        return true;
    }

    static boolean reindex(PgNode reindex, Review review) {
        ReindexObjectType kind = Pg17.value(ReindexObjectType.class, reindex, "kind").orElse(ReindexObjectType.TABLE);
        boolean concurrent = reindex.nodes("params").stream()
                .anyMatch(p -> p.text("defname").map("concurrently"::equals).orElse(false) && MaintenanceRules.on(p));
        Optional<Target> table = Optional.empty();
        Optional<PgNode> relation = reindex.node("relation");
        if (kind == ReindexObjectType.TABLE && relation.isPresent()) {
            table = Optional.of(review.target(relation.get()));
        } else if (kind == ReindexObjectType.INDEX && relation.isPresent()) {
            PgNode index = relation.get();
            table = review.facts.tableOfIndex(index.text("schemaname"), index.text("relname").orElse("?"))
                    .map(review::target);
        }
        LockMode lock = concurrent ? LockMode.SHARE_UPDATE_EXCLUSIVE : LockMode.SHARE;
        table.ifPresent(t -> review.effect(t, lock, Work.INDEX_BUILD, concurrent
                ? "REINDEX CONCURRENTLY builds new indexes while reads and writes go on, then swaps them in"
                : "REINDEX rebuilds the index" + (kind == ReindexObjectType.TABLE ? "es" : "")));
        if (concurrent) {
            concurrentInBlock(review, "REINDEX CONCURRENTLY");
        } else if (table.map(Target::live).orElse(true)) {
            review.flag(REQUIRE_CONCURRENT_REINDEX, "REINDEX " + kind.name() + " takes " + table
                    .map(t -> Words.lockOn(LockMode.SHARE, t)).orElse("a SHARE lock on every table it rebuilds, which "
                            + "blocks " + LockMode.SHARE.blocks()) + ", and ACCESS EXCLUSIVE on each index while it is "
                    + "rebuilt, which blocks the reads that would use it");
        }
        return true;
    }

    static void concurrentInBlock(Review review, String what) {
        if (review.script.inBlock()) {
            review.flag(BAN_CONCURRENT_INDEX_CREATION_IN_TRANSACTION, what + " cannot run inside a transaction block "
                    + "(opened by statement " + review.script.blockStart() + "): PostgreSQL refuses it and the migration "
                    + "fails");
        }
    }

    /** A name in a DROP's object list: a list of name parts. */
    static List<String> namesOf(Object object) {
        if (object instanceof List<?> parts) {
            return parts.stream().map(p -> p instanceof PgNode n ? n.text("sval").orElse("?") : String.valueOf(p))
                    .toList();
        }
        return List.of(String.valueOf(object));
    }
}
