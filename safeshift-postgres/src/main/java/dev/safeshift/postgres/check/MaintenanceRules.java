package dev.safeshift.postgres.check;

import static dev.safeshift.check.Severity.HIGH;
import static dev.safeshift.check.Severity.MEDIUM;

import dev.safeshift.postgres.parse.PgNode;
import java.util.List;
import java.util.Optional;

/** CLUSTER, VACUUM, ANALYZE, REFRESH MATERIALIZED VIEW and LOCK TABLE. */
final class MaintenanceRules {

    static final Rule PREFER_REPACK = new Rule("prefer-repack", HIGH, "ACCESS EXCLUSIVE", "REWRITE",
            "CLUSTER or VACUUM FULL: the table is copied in full while even reads wait",
            "Use pg_repack or pg_squeeze, which rebuild the table while reads and writes go on; or plain VACUUM",
            PgDocs.CLUSTER);
    static final Rule EXPLICIT_TABLE_LOCK = new Rule("explicit-table-lock", MEDIUM, "the mode named", "CATALOG_ONLY",
            "LOCK TABLE in a mode that blocks writes (held until the transaction ends), or LOCK TABLE outside a "
            + "transaction block, where it is refused", "Let each statement take the lock it needs, with a lock_timeout, "
            + "and keep the transaction short", PgDocs.LOCK);
    static final Rule REQUIRE_CONCURRENT_REFRESH = new Rule("require-concurrent-refresh", MEDIUM, "ACCESS EXCLUSIVE",
            "REWRITE", "REFRESH MATERIALIZED VIEW without CONCURRENTLY: reads of the view wait for the whole refresh",
            "REFRESH MATERIALIZED VIEW CONCURRENTLY (needs a unique index on the view; takes EXCLUSIVE, so reads go on)",
            PgDocs.REFRESH);

    private MaintenanceRules() {
    }

    static List<Rule> rules() {
        return List.of(PREFER_REPACK, EXPLICIT_TABLE_LOCK, REQUIRE_CONCURRENT_REFRESH);
    }

    static boolean cluster(PgNode cluster, Review review) {
        Optional<PgNode> relation = cluster.node("relation");
        if (relation.isEmpty()) {
            StatementRules.requireOutsideBlock(review, "CLUSTER of every clustered table");
            review.flag(PREFER_REPACK, "CLUSTER without a table rewrites every table clustered before, each under an "
                    + "ACCESS EXCLUSIVE lock, which blocks " + LockMode.ACCESS_EXCLUSIVE.blocks());
            return true;
        }
        Target table = review.target(relation.get());
        review.schemaChange();
        review.effect(table, LockMode.ACCESS_EXCLUSIVE, Work.REWRITE, "CLUSTER copies the table in index order");
        if (table.live()) {
            review.flag(PREFER_REPACK, "CLUSTER copies " + table + ColumnRules.size(table) + " while holding "
                    + Words.lockOn(LockMode.ACCESS_EXCLUSIVE, table));
        }
        return true;
    }

    static boolean vacuum(PgNode vacuum, Review review) {
        boolean isVacuum = vacuum.flag("is_vacuumcmd");
        boolean full = vacuum.nodes("options").stream()
                .anyMatch(o -> o.text("defname").map("full"::equals).orElse(false) && on(o));
        if (isVacuum) {
            StatementRules.requireOutsideBlock(review, "VACUUM");
        }
        for (PgNode relation : vacuum.nodes("rels")) {
            Target table = review.target(relation.node("relation").orElseThrow());
            if (full) {
                review.effect(table, LockMode.ACCESS_EXCLUSIVE, Work.REWRITE, "VACUUM FULL copies the table");
                if (table.live()) {
                    review.flag(PREFER_REPACK, "VACUUM FULL copies " + table + ColumnRules.size(table) + " while holding "
                            + Words.lockOn(LockMode.ACCESS_EXCLUSIVE, table));
                }
            } else if (isVacuum) {
                review.effect(table, LockMode.SHARE_UPDATE_EXCLUSIVE, Work.FULL_SCAN,
                        "VACUUM reads the pages not known to be all-visible while reads and writes go on");
            } else {
                review.effect(table, LockMode.SHARE_UPDATE_EXCLUSIVE, Work.CATALOG_ONLY,
                        "ANALYZE reads a sample of fixed size, whatever the table's size");
            }
        }
        if (full && vacuum.nodes("rels").isEmpty()) {
            review.flag(PREFER_REPACK, "VACUUM FULL without a table copies every table of the database, each under "
                    + "an ACCESS EXCLUSIVE lock");
        }
        return true;
    }

    static boolean refresh(PgNode refresh, Review review) {
        Target view = review.target(refresh.node("relation").orElseThrow());
        if (refresh.flag("concurrent")) {
            review.effect(view, LockMode.EXCLUSIVE, Work.FULL_SCAN, "REFRESH ... CONCURRENTLY computes the new contents "
                    + "and applies the difference while reads go on");
        } else {
            review.effect(view, LockMode.ACCESS_EXCLUSIVE, Work.REWRITE, "REFRESH fills a new copy of the view");
            if (view.live()) {
                review.flag(REQUIRE_CONCURRENT_REFRESH, "REFRESH MATERIALIZED VIEW " + view + " takes "
                        + Words.lockOn(LockMode.ACCESS_EXCLUSIVE, view) + ", for the whole refresh");
            }
        }
        return true;
    }

    static boolean lock(PgNode lock, Review review) {
        int mode = lock.number("mode");
        if (mode < 1 || mode > LockMode.values().length) {
            return false;
        }
        LockMode lockMode = LockMode.values()[mode - 1];
        for (PgNode relation : lock.nodes("relations")) {
            Target table = review.target(relation);
            new AlterTableRules.Scope(review, table, relation.flag("inh")).effect(lockMode, Work.CATALOG_ONLY,
                    "LOCK TABLE holds it until the transaction ends");
            if (!review.script.inBlock()) {
                review.flag(EXPLICIT_TABLE_LOCK, "LOCK TABLE " + table + " outside a transaction block is refused "
                        + "(LOCK TABLE can only be used in transaction blocks)");
            } else if (lockMode.blocksWrites() && table.live()) {
                review.flag(EXPLICIT_TABLE_LOCK, "LOCK TABLE " + table + " takes " + Words.lockOn(lockMode, table)
                        + ", until the transaction ends");
            }
        }
        return true;
    }

    /** Whether a boolean option (a DEFELEM such as FULL or CONCURRENTLY) is on: written alone, or with a true value. */
    static boolean on(PgNode option) {
        Optional<PgNode> argument = option.node("arg");
        if (argument.isEmpty()) {
            return !option.text("arg").map(MaintenanceRules::off).orElse(false);
        }
        PgNode value = argument.get();
        String text = value.text("boolval").or(() -> value.text("sval")).or(() -> value.text("ival")).orElse("true");
        return !off(text);
    }

    private static boolean off(String text) {
        return List.of("false", "off", "0", "no").contains(text.toLowerCase(java.util.Locale.ROOT));
    }
}
