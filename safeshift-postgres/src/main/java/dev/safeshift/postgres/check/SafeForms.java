package dev.safeshift.postgres.check;

import dev.safeshift.plan.QualifiedName;
import dev.safeshift.postgres.Sql;
import dev.safeshift.postgres.check.Pg17.AlterTableType;
import dev.safeshift.postgres.check.Pg17.ConstrType;
import dev.safeshift.postgres.parse.ParsedStatement;
import dev.safeshift.postgres.parse.PgNode;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The online form of a statement: the steps that make the same change while the application keeps
 * reading and writing. Each step is cut from the statement as written (the tree gives where its
 * parts start), never rebuilt from a guess, so expressions, collations and options stay exactly as
 * the author wrote them.
 * <ul>
 *   <li>{@code ADD CONSTRAINT ... CHECK / FOREIGN KEY}: added {@code NOT VALID} (a catalog change
 *       under a brief ACCESS EXCLUSIVE), then {@code VALIDATE CONSTRAINT}, which scans under SHARE
 *       UPDATE EXCLUSIVE and lets writes go on.</li>
 *   <li>{@code CREATE INDEX}: {@code CREATE INDEX CONCURRENTLY} (not for partitioned tables, which
 *       PostgreSQL does not build concurrently).</li>
 *   <li>{@code ALTER COLUMN ... SET NOT NULL}: a {@code CHECK (col IS NOT NULL)} added NOT VALID and
 *       validated first, which lets PostgreSQL 12 and later set NOT NULL without scanning, then the
 *       check is dropped.</li>
 *   <li>{@code ADD COLUMN ... DEFAULT <volatile expression> [NOT NULL]} on a table with a primary
 *       key: the column added empty, its default set, existing rows filled in batches
 *       ({@link ColumnBackfill}), then NOT NULL as above.</li>
 * </ul>
 * Any other statement is its own single step.
 */
public final class SafeForms {

    private SafeForms() {
    }

    /**
     * Why {@code statement} cannot be applied step by step at all, if it cannot: the parser refused it,
     * or it is transaction control (each step is its own transaction, so that no lock is held from
     * one statement to the next).
     */
    public static Optional<String> refusal(ParsedStatement statement) {
        if (statement.tree().isEmpty()) {
            return Optional.of(statement.place() + " could not be parsed: " + statement.problem().orElse(""));
        }
        if (statement.tree().get().is("TRANSACTIONSTMT")) {
            return Optional.of(statement.place() + " is transaction control (" + statement.sql() + "): each statement "
                    + "is applied on its own so that no lock is held from one statement to the next; remove it");
        }
        return Optional.empty();
    }

    /** The steps for {@code statement}, whose tree must be present; {@code facts} resolves its table. */
    public static List<SafeStep> of(ParsedStatement statement, SchemaFacts facts) {
        PgNode tree = statement.tree().orElseThrow(() -> new IllegalArgumentException("statement was not parsed"));
        Optional<List<SafeStep>> online = Optional.empty();
        if (tree.is("ALTERTABLESTMT") && tree.nodes("cmds").size() == 1) {
            online = alterTable(statement, tree, tree.nodes("cmds").get(0), facts);
        } else if (tree.is("INDEXSTMT")) {
            online = index(statement, tree, facts);
        }
        return online.orElseGet(() -> List.of(SafeStep.of(statement.sql(), "as written")));
    }

    /**
     * Why {@code statement}, of a kind that has an online form, is its own single step on this table,
     * when that has a reason worth telling (a new column with a volatile default on a table without a
     * primary key, or with UPDATE triggers); empty otherwise.
     */
    public static Optional<String> whyAsWritten(ParsedStatement statement, SchemaFacts facts) {
        Optional<PgNode> tree = statement.tree().filter(t -> t.is("ALTERTABLESTMT") && t.nodes("cmds").size() == 1);
        if (tree.isEmpty()) {
            return Optional.empty();
        }
        PgNode command = tree.get().nodes("cmds").get(0);
        if (Pg17.value(AlterTableType.class, command, "subtype").filter(t -> t == AlterTableType.ADD_COLUMN).isEmpty()) {
            return Optional.empty();
        }
        return tree.get().node("relation").flatMap(relation -> resolve(relation, facts))
                .filter(table -> table.kind() == SchemaFacts.RelationKind.TABLE)
                .flatMap(table -> command.node("def").flatMap(def -> ColumnBackfill.whyAsWritten(statement, table, def,
                        facts)));
    }

    private static Optional<List<SafeStep>> alterTable(ParsedStatement statement, PgNode alter, PgNode command,
                                                      SchemaFacts facts) {
        Optional<AlterTableType> type = Pg17.value(AlterTableType.class, command, "subtype");
        Optional<SchemaFacts.Table> table = alter.node("relation").flatMap(relation -> resolve(relation, facts));
        if (type.isEmpty() || table.isEmpty() || table.get().kind() != SchemaFacts.RelationKind.TABLE) {
            return Optional.empty();
        }
        String relation = (alter.node("relation").orElseThrow().flag("inh") ? "" : "ONLY ") + Sql.table(table.get().name());
        String target = "ALTER TABLE " + relation;
        if (type.get() == AlterTableType.ADD_CONSTRAINT) {
            return command.node("def").flatMap(constraint -> constraint(statement, target, table.get(), constraint));
        }
        if (type.get() == AlterTableType.SET_NOT_NULL && facts.serverVersion() >= 120000) {
            return Optional.of(notNull(statement, target, table.get(), command.text("name").orElseThrow()));
        }
        if (type.get() == AlterTableType.ADD_COLUMN) {
            return command.node("def").flatMap(column -> ColumnBackfill.of(statement, relation, table.get(), column,
                    command.flag("missing_ok"), facts));
        }
        return Optional.empty();
    }

    /**
     * SET NOT NULL without the long lock: a {@code CHECK (column IS NOT NULL)} added NOT VALID and
     * validated, then SET NOT NULL, which the validated check spares its scan (PostgreSQL 12 and later).
     */
    static List<SafeStep> notNull(ParsedStatement statement, String target, SchemaFacts.Table table, String column) {
        String check = shortName(table.name().name(), "not_null", statement.sql());
        return List.of(
                SafeStep.appliedWhen(SafeStep.DUPLICATE_OBJECT, target + " ADD CONSTRAINT " + Sql.ident(check)
                        + " CHECK (" + Sql.ident(column)
                        + " IS NOT NULL) NOT VALID", "prove " + column + " has no NULL: add a check, not validated"),
                SafeStep.of(target + " VALIDATE CONSTRAINT " + Sql.ident(check),
                        "validate the check; writes go on during the scan"),
                SafeStep.of(target + " ALTER COLUMN " + Sql.ident(column) + " SET NOT NULL",
                        "set NOT NULL; the validated check spares the scan"),
                SafeStep.appliedWhen(SafeStep.UNDEFINED_OBJECT, target + " DROP CONSTRAINT " + Sql.ident(check),
                        "drop the check, no longer needed"));
    }

    private static Optional<List<SafeStep>> constraint(ParsedStatement statement, String target, SchemaFacts.Table table,
                                                       PgNode constraint) {
        Optional<ConstrType> kind = Pg17.value(ConstrType.class, constraint, "contype");
        boolean validates = kind.filter(k -> k == ConstrType.CHECK || k == ConstrType.FOREIGN).isPresent()
                && !constraint.flag("skip_validation");
        if (!validates || constraint.number("location") < 0) {
            return Optional.empty();
        }
        String clause = fromByte(statement.sql(), constraint.number("location"));
        String name = constraint.text("conname").orElse(null);
        if (name == null) {
            // Unnamed, PostgreSQL would choose the name; VALIDATE needs to know it, so Safeshift chooses.
            name = shortName(table.name().name(), kind.get() == ConstrType.CHECK ? "check" : "fkey", statement.sql());
            clause = "CONSTRAINT " + Sql.ident(name) + " " + clause;
        }
        return Optional.of(List.of(
                SafeStep.appliedWhen(SafeStep.DUPLICATE_OBJECT, target + " ADD " + clause + " NOT VALID",
                        "add the constraint without checking existing rows"),
                SafeStep.of(target + " VALIDATE CONSTRAINT " + Sql.ident(name),
                        "check the existing rows; writes go on during the scan")));
    }

    private static Optional<List<SafeStep>> index(ParsedStatement statement, PgNode index, SchemaFacts facts) {
        PgNode relation = index.node("relation").orElseThrow();
        Optional<SchemaFacts.Table> table = resolve(relation, facts);
        if (table.isEmpty() || table.get().kind() != SchemaFacts.RelationKind.TABLE || relation.number("location") < 0) {
            return Optional.empty();
        }
        if (index.flag("concurrent")) {
            // Already online; named, so that what an interrupted build leaves behind can be found and dropped.
            return index.text("idxname").map(name -> List.of(new SafeStep(statement.sql(), "build the index without "
                    + "blocking writes (as written)", Optional.of(new QualifiedName(table.get().name().schema(), name)),
                    Optional.of(SafeStep.DUPLICATE_TABLE))));
        }
        String name = index.text("idxname")
                .orElseGet(() -> shortName(table.get().name().name(), "idx", statement.sql()));
        // Everything from the table's name on (columns, method, INCLUDE, WITH, TABLESPACE, WHERE) is kept as written.
        String rest = fromByte(statement.sql(), relation.number("location"));
        String sql = "CREATE " + (index.flag("unique") ? "UNIQUE " : "") + "INDEX CONCURRENTLY "
                + (index.flag("if_not_exists") ? "IF NOT EXISTS " : "") + Sql.ident(name) + " ON "
                + (relation.flag("inh") ? "" : "ONLY ") + rest;
        return Optional.of(List.of(new SafeStep(sql, "build the index without blocking writes",
                Optional.of(new QualifiedName(table.get().name().schema(), name)), Optional.of(SafeStep.DUPLICATE_TABLE))));
    }

    private static Optional<SchemaFacts.Table> resolve(PgNode relation, SchemaFacts facts) {
        return relation.text("relname").flatMap(name -> facts.table(relation.text("schemaname"), name));
    }

    /** The statement's text from a byte offset the parser reported (offsets count UTF-8 bytes). */
    static String fromByte(String sql, int byteOffset) {
        return betweenBytes(sql, byteOffset, -1);
    }

    /** The statement's text between two byte offsets the parser reported; an end of -1 is the end of the text. */
    static String betweenBytes(String sql, int startByte, int endByte) {
        byte[] bytes = sql.getBytes(StandardCharsets.UTF_8);
        int end = endByte < 0 ? bytes.length : endByte;
        return new String(bytes, startByte, end - startByte, StandardCharsets.UTF_8);
    }

    /** A name PostgreSQL accepts (at most 63 bytes) that is the same each time the same statement is applied. */
    static String shortName(String table, String suffix, String sql) {
        String hash = HexFormat.of().formatHex(java.util.Arrays.copyOf(sha256(sql), 4));
        String tail = "_" + suffix + "_" + hash;
        String head = table;
        while ((head + tail).getBytes(StandardCharsets.UTF_8).length > 63) {
            head = head.substring(0, head.length() - 1);
        }
        return head + tail;
    }

    private static byte[] sha256(String text) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
