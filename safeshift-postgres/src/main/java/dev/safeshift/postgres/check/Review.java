package dev.safeshift.postgres.check;

import dev.safeshift.check.Finding;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.postgres.parse.ParsedStatement;
import dev.safeshift.postgres.parse.PgNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The review of one statement while the rules build it: the effects on each table (one per
 * table, the strongest lock and the most work of all the statement's parts) and the findings.
 * It also carries what every rule consults: the schema facts, the names of a query's relations
 * and the script's state so far.
 */
final class Review {

    /** How work kinds combine when one statement does several things to a table: the costlier wins. */
    private static final List<Work> COST = List.of(Work.CATALOG_ONLY, Work.FULL_SCAN, Work.INDEX_BUILD,
            Work.ROW_WRITES, Work.REWRITE);

    final ParsedStatement statement;
    final SchemaFacts facts;
    final ParsedRelations relations;
    final ScriptState script;
    private final Map<QualifiedName, Effect> effects = new LinkedHashMap<>();
    private final List<Finding> findings = new ArrayList<>();
    /** Whether the statement changes a schema (DDL), as opposed to reading or writing rows. */
    private boolean schemaChange;

    Review(ParsedStatement statement, SchemaFacts facts, ParsedRelations relations, ScriptState script) {
        this.statement = statement;
        this.facts = facts;
        this.relations = relations;
        this.script = script;
    }

    private static final class Effect {
        LockMode lock;
        Work work;
        final List<String> why = new ArrayList<>();
        boolean created;
    }

    /** Resolves a RANGEVAR node. */
    Target target(PgNode rangeVar) {
        return target(rangeVar.text("schemaname"), rangeVar.text("relname").orElse("?"));
    }

    /** Resolves a table name as written: a table this script created, else the live table the search path finds. */
    Target target(Optional<String> schema, String name) {
        QualifiedName created = new QualifiedName(schema.orElseGet(facts::creationSchema), name);
        if (script.isCreated(created)) {
            return new Target(created, Optional.empty(), true);
        }
        Optional<SchemaFacts.Table> table = facts.table(schema, name);
        return new Target(table.map(SchemaFacts.Table::name).orElse(created), table, false);
    }

    Target target(QualifiedName name) {
        return target(Optional.of(name.schema()), name.name());
    }

    void effect(Target table, LockMode lock, Work work, String why) {
        Effect effect = merge(table.name(), lock, work, why);
        effect.created |= table.created();
    }

    private Effect merge(QualifiedName table, LockMode lock, Work work, String why) {
        Effect effect = effects.computeIfAbsent(table, t -> new Effect());
        effect.lock = effect.lock == null || lock.compareTo(effect.lock) > 0 ? lock : effect.lock;
        effect.work = effect.work == null || COST.indexOf(work) > COST.indexOf(effect.work) ? work : effect.work;
        if (!effect.why.contains(why)) {
            effect.why.add(why);
        }
        return effect;
    }

    void schemaChange() {
        schemaChange = true;
    }

    boolean isSchemaChange() {
        return schemaChange;
    }

    void flag(Rule rule, String message) {
        findings.add(Finding.of(rule.id(), rule.severity(), statement.place(), message, rule.alternative()));
    }

    void flag(Rule rule, String message, String advice) {
        findings.add(Finding.of(rule.id(), rule.severity(), statement.place(), message, advice));
    }

    /** The tables the statement locks, with the lock, for the script-level rules. */
    Map<QualifiedName, LockMode> locks() {
        Map<QualifiedName, LockMode> locks = new LinkedHashMap<>();
        effects.forEach((table, effect) -> locks.put(table, effect.lock));
        return locks;
    }

    /** Whether the table was created by this script (so its lock blocks nobody). */
    boolean isNew(QualifiedName table) {
        Effect effect = effects.get(table);
        return effect != null && effect.created || script.isCreated(table);
    }

    StatementReview build() {
        List<TableEffect> built = new ArrayList<>();
        effects.forEach((table, effect) -> built.add(new TableEffect(table, effect.lock, effect.work,
                String.join("; ", effect.why))));
        return new StatementReview(statement, built, findings);
    }
}
