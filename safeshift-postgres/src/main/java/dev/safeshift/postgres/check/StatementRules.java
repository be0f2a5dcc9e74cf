package dev.safeshift.postgres.check;

import static dev.safeshift.check.Severity.HIGH;
import static dev.safeshift.check.Severity.MEDIUM;

import dev.safeshift.postgres.check.Pg17.ObjectType;
import dev.safeshift.postgres.parse.ParsedStatement;
import dev.safeshift.postgres.parse.PgNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The static lock rules: reviews each statement of a script, in order, with what the statements
 * before it did (a transaction block, a lock_timeout, tables created by the script). Every
 * statement gets a review: a statement the rules do not know gets an {@code unknown-statement}
 * finding rather than an empty review that would read as safe, and one the parser refused gets
 * {@code not-parsed}.
 */
public final class StatementRules {

    static final Rule UNKNOWN_STATEMENT = new Rule("unknown-statement", MEDIUM, "unknown", "unknown",
            "A statement (or ALTER TABLE subcommand) the rules do not know: its locks and work are not reviewed",
            "Run safeshift check --trace, which runs the script on a copy and records the locks it takes",
            PgDocs.SQL_COMMANDS);
    static final Rule NOT_PARSED = new Rule("not-parsed", HIGH, "unknown", "unknown",
            "A statement PostgreSQL's parser refused: a syntax error, or a query naming a table or column that does "
            + "not exist", "Fix the statement; the parser's message says what and where", PgDocs.SQL_COMMANDS);
    static final Rule STATEMENT_NOT_ALLOWED_IN_TRANSACTION = new Rule("statement-not-allowed-in-transaction", HIGH,
            "none", "none", "VACUUM, DETACH PARTITION ... CONCURRENTLY, CLUSTER of all tables or DROP DATABASE inside a "
            + "transaction block: PostgreSQL refuses them there, so the migration fails",
            "Run it on its own, outside BEGIN ... COMMIT", PgDocs.BEGIN);
    static final Rule UNKNOWN_TABLE = new Rule("unknown-table", MEDIUM, "as for an existing table", "as for an "
            + "existing table", "A statement on a table that is not on the source and that the script did not create: "
            + "the rules assume an existing table with rows, so the findings may not match what happens",
            "Check against the database the script will run on, or create the table earlier in the script",
            PgDocs.SEARCH_PATH);

    private StatementRules() {
    }

    /** Reviews the statements of one script against the live schema; queries are named by their unaliased table names. */
    public static List<StatementReview> review(List<ParsedStatement> statements, SchemaFacts facts) {
        return review(statements, facts, ParsedRelations.none());
    }

    /**
     * Reviews the statements of one script against the live schema.
     *
     * @param relations the names of the tables the parser server analysed queries against
     *                  ({@link ParsedRelations#of}), so that an aliased table is still named
     */
    public static List<StatementReview> review(List<ParsedStatement> statements, SchemaFacts facts,
                                               ParsedRelations relations) {
        ScriptState script = new ScriptState();
        List<Review> reviews = new ArrayList<>();
        for (ParsedStatement statement : statements) {
            Review review = new Review(statement, facts, relations, script);
            reviews.add(review);
            if (statement.problem().isPresent()) {
                review.flag(NOT_PARSED, "PostgreSQL's parser refused the statement: " + statement.problem().get());
                continue;
            }
            PgNode tree = statement.tree().orElseThrow();
            boolean writesRows = false;
            boolean known;
            try {
                if (tree.is("QUERY")) {
                    Optional<Boolean> writes = DmlRules.review(tree, review);
                    known = writes.isPresent();
                    writesRows = writes.orElse(false);
                } else {
                    known = utility(tree, review);
                }
            } catch (RuntimeException e) {
                if (e.getCause() instanceof java.sql.SQLException) {
                    throw e; // the schema facts could not be read: no review can be trusted
                }
                // A tree shaped as no rule expected: say so rather than give a partial review.
                review = new Review(statement, facts, relations, script);
                reviews.set(reviews.size() - 1, review);
                known = false;
            }
            if (!known) {
                review.flag(UNKNOWN_STATEMENT, "Safeshift does not know the lock this takes; run safeshift check "
                        + "--trace (statement " + tree.tag() + ")");
            }
            TransactionRules.afterStatement(review, writesRows);
        }
        if (!reviews.isEmpty()) {
            TransactionRules.afterScript(reviews.get(reviews.size() - 1));
        }
        return reviews.stream().map(Review::build).toList();
    }

    private static boolean utility(PgNode tree, Review review) {
        return switch (tree.tag()) {
            case "ALTERTABLESTMT" -> AlterTableRules.review(tree, review);
            case "INDEXSTMT" -> IndexRules.create(tree, review);
            case "REINDEXSTMT" -> IndexRules.reindex(tree, review);
            case "DROPSTMT" -> TableRules.drop(tree, review);
            case "DROPDBSTMT" -> TableRules.dropDatabase(tree, review);
            case "TRUNCATESTMT" -> TableRules.truncate(tree, review);
            case "RENAMESTMT" -> TableRules.rename(tree, review);
            case "ALTEROBJECTSCHEMASTMT" -> TableRules.setSchema(tree, review);
            case "CREATESTMT" -> TableRules.create(tree, review);
            case "CREATETABLEASSTMT" -> TableRules.createAs(tree, review);
            case "VIEWSTMT" -> TableRules.createView(tree, review);
            case "CLUSTERSTMT" -> MaintenanceRules.cluster(tree, review);
            case "VACUUMSTMT" -> MaintenanceRules.vacuum(tree, review);
            case "REFRESHMATVIEWSTMT" -> MaintenanceRules.refresh(tree, review);
            case "LOCKSTMT" -> MaintenanceRules.lock(tree, review);
            case "CREATEDOMAINSTMT" -> TypeRules.createDomain(tree, review);
            case "ALTERDOMAINSTMT" -> TypeRules.alterDomain(tree, review);
            case "ALTERENUMSTMT" -> TypeRules.alterEnum(tree, review);
            case "TRANSACTIONSTMT" -> TransactionRules.transaction(tree, review);
            case "VARIABLESETSTMT" -> TransactionRules.set(tree, review);
            case "CREATEFUNCTIONSTMT" -> createFunction(tree, review);
            case "CREATETRIGSTMT" -> onTable(tree, "relation", LockMode.SHARE_ROW_EXCLUSIVE, "CREATE TRIGGER", review);
            case "CREATEPOLICYSTMT", "ALTERPOLICYSTMT" -> onTable(tree, "table", LockMode.ACCESS_EXCLUSIVE,
                    "a row security policy", review);
            case "CREATESTATSSTMT" -> tree.nodes("relations").stream().allMatch(r -> {
                review.effect(review.target(r), LockMode.SHARE_UPDATE_EXCLUSIVE, Work.CATALOG_ONLY,
                        "CREATE STATISTICS records the definition; ANALYZE computes it later");
                return true;
            });
            case "COMMENTSTMT" -> comment(tree, review);
            case "CREATESCHEMASTMT" -> tree.list("schemaElts").isEmpty();
            // Statements that lock no table.
            case "VARIABLESHOWSTMT", "CREATEENUMSTMT", "COMPOSITETYPESTMT", "CREATERANGESTMT", "CREATESEQSTMT",
                 "ALTERSEQSTMT", "GRANTSTMT", "GRANTROLESTMT", "CREATEROLESTMT", "ALTERROLESTMT", "DROPROLESTMT",
                 "ALTERFUNCTIONSTMT", "CHECKPOINTSTMT", "LISTENSTMT", "NOTIFYSTMT", "UNLISTENSTMT" -> true;
            default -> false;
        };
    }

    private static boolean onTable(PgNode tree, String field, LockMode lock, String what, Review review) {
        review.schemaChange();
        review.effect(review.target(tree.node(field).orElseThrow()), lock, Work.CATALOG_ONLY, what
                + " changes only the catalog");
        return true;
    }

    private static boolean comment(PgNode comment, Review review) {
        ObjectType kind = Pg17.value(ObjectType.class, comment, "objtype").orElse(null);
        if (kind != ObjectType.TABLE && kind != ObjectType.COLUMN) {
            return true;
        }
        List<String> names = comment.texts("object");
        List<String> table = kind == ObjectType.COLUMN ? names.subList(0, Math.max(0, names.size() - 1)) : names;
        if (table.isEmpty() || table.size() > 2) {
            return false;
        }
        review.effect(review.target(table.size() == 2 ? Optional.of(table.get(0)) : Optional.empty(),
                table.get(table.size() - 1)), LockMode.SHARE_UPDATE_EXCLUSIVE, Work.CATALOG_ONLY, "COMMENT changes only "
                + "the catalog");
        return true;
    }

    /** Records a new function's volatility, so a later DEFAULT calling it is judged right. */
    private static boolean createFunction(PgNode function, Review review) {
        SchemaFacts.Volatility volatility = SchemaFacts.Volatility.VOLATILE;
        for (PgNode option : function.nodes("options")) {
            if (option.text("defname").map("volatility"::equals).orElse(false)) {
                String value = option.node("arg").flatMap(a -> a.text("sval")).or(() -> option.text("arg")).orElse("");
                volatility = switch (value) {
                    case "immutable" -> SchemaFacts.Volatility.IMMUTABLE;
                    case "stable" -> SchemaFacts.Volatility.STABLE;
                    default -> SchemaFacts.Volatility.VOLATILE;
                };
            }
        }
        List<String> name = function.texts("funcname");
        review.script.createdFunction(name.size() == 2 ? List.of(name.get(1)) : name, volatility);
        return true;
    }

    /** Flags a statement PostgreSQL refuses inside a transaction block when the script has one open. */
    static void requireOutsideBlock(Review review, String what) {
        if (review.script.inBlock()) {
            review.flag(STATEMENT_NOT_ALLOWED_IN_TRANSACTION, what + " cannot run inside a transaction block (opened by "
                    + "statement " + review.script.blockStart() + "): PostgreSQL refuses it and the migration fails");
        }
    }

    /** Flags a statement's main table when it is neither on the source nor created by the script. */
    static void checkExists(Target table, Review review) {
        if (table.facts().isEmpty() && !table.created()) {
            review.flag(UNKNOWN_TABLE, table + " is not on the source and the script does not create it before this "
                    + "statement; the rules assumed an existing table with rows");
        }
    }

    static List<Rule> rules() {
        return List.of(UNKNOWN_STATEMENT, NOT_PARSED, STATEMENT_NOT_ALLOWED_IN_TRANSACTION, UNKNOWN_TABLE);
    }
}
