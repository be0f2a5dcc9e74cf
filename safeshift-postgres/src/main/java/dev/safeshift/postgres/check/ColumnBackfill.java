package dev.safeshift.postgres.check;

import dev.safeshift.postgres.Sql;
import dev.safeshift.postgres.check.Pg17.ConstrType;
import dev.safeshift.postgres.parse.ParsedStatement;
import dev.safeshift.postgres.parse.PgNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The online form of {@code ADD COLUMN c type DEFAULT <volatile expression> [NOT NULL]}, which as
 * written rewrites the whole table under ACCESS EXCLUSIVE, since the default is evaluated for every
 * existing row:
 * <ol>
 *   <li>{@code ADD COLUMN c type}, without the default: a catalog change;</li>
 *   <li>{@code ALTER COLUMN c SET DEFAULT <expression>}: rows inserted from now on take it;</li>
 *   <li>the existing rows filled with {@code SET c = DEFAULT} (the expression evaluated for each row,
 *       as the rewrite would have), in batches along the primary key, each batch its own transaction,
 *       so the application's writes to a row wait at most one batch;</li>
 *   <li>with NOT NULL, the validated-check form of SET NOT NULL ({@link SafeForms#notNull}).</li>
 * </ol>
 * A batch fills the rows of its key range whose value is still NULL: rows the application inserted
 * since step 2 already have theirs. A NULL the application writes into the new column explicitly
 * before the batches reach its row is replaced by the default too (with NOT NULL, the statement as
 * written would not allow it anyway). Filling is repeatable: a run stopped half way starts again
 * and skips the rows already filled.
 *
 * <p>Only this shape is taken: the column's only constraints are the DEFAULT and NOT NULL or NULL,
 * the default is volatile (a stable or constant default is stored once in the catalog, without a
 * rewrite, so the statement as written is already quick), the type is not serial nor a domain with
 * constraints, the table has a primary key and no UPDATE trigger (which the batches would fire for
 * every row, and the rewrite does not), and the server is PostgreSQL 11 or later (transactions
 * committed inside a {@code DO} block).
 */
public final class ColumnBackfill {

    /** Rows per batch: small enough that a write waiting for a batch's row lock waits milliseconds. */
    static final int BATCH_ROWS = 2_000;
    /** How often the filling block reports progress, as a notice starting with {@link #PROGRESS}. */
    static final int PROGRESS_SECONDS = 5;
    /** How the progress notices of a filling block start; {@code safeshift run} shows them as they come. */
    public static final String PROGRESS = "safeshift progress: ";

    private ColumnBackfill() {
    }

    /**
     * The steps for the column definition {@code column} of an {@code ALTER TABLE relation ADD COLUMN},
     * or empty when the statement as written is its own step.
     */
    static Optional<List<SafeStep>> of(ParsedStatement statement, String relation, SchemaFacts.Table table,
                                       PgNode column, boolean ifNotExists, SchemaFacts facts) {
        Optional<Shape> shape = Shape.of(statement.sql(), column, facts);
        if (shape.isEmpty() || obstacle(table, facts).isPresent()) {
            return Optional.empty();
        }
        List<String> key = primaryKey(table);
        String target = "ALTER TABLE " + relation;
        String columnName = shape.get().column();
        List<SafeStep> steps = new ArrayList<>();
        String add = target + " ADD COLUMN " + (ifNotExists ? "IF NOT EXISTS " : "") + shape.get().definition();
        String addPurpose = "add " + columnName + " without its default: a catalog change, existing rows read NULL";
        steps.add(ifNotExists ? SafeStep.of(add, addPurpose) : SafeStep.appliedWhen(SafeStep.DUPLICATE_COLUMN, add, addPurpose));
        steps.add(SafeStep.of(target + " ALTER COLUMN " + Sql.ident(columnName) + " SET DEFAULT " + shape.get().expression(),
                "rows inserted from now on take the default"));
        steps.add(new SafeStep(fill(relation, columnName, key), "fill " + columnName + " of the existing rows with the "
                + "default, " + BATCH_ROWS + " rows per transaction along the primary key", Optional.empty(),
                Optional.empty(), Optional.of(new TableEffect(table.name(), LockMode.ROW_EXCLUSIVE, Work.ROW_WRITES,
                "the default is written into every existing row, in batches of " + BATCH_ROWS + " rows"))));
        if (shape.get().notNull()) {
            steps.addAll(SafeForms.notNull(statement, target, table, columnName));
        }
        return Optional.of(steps);
    }

    /**
     * Why a column definition of the shape this form takes cannot be filled in batches on {@code table},
     * to say so where the statement as written is refused; empty when it can, or when the definition
     * is not of that shape.
     */
    static Optional<String> whyAsWritten(ParsedStatement statement, SchemaFacts.Table table, PgNode column,
                                         SchemaFacts facts) {
        return Shape.of(statement.sql(), column, facts).flatMap(shape -> obstacle(table, facts));
    }

    private static Optional<String> obstacle(SchemaFacts.Table table, SchemaFacts facts) {
        if (facts.serverVersion() < 110000) {
            return Optional.of("filling the new column in batches needs PostgreSQL 11 or later, which can commit inside "
                    + "a DO block");
        }
        if (primaryKey(table).isEmpty()) {
            return Optional.of(table.name() + " has no primary key along which to fill the new column in batches");
        }
        if (!table.updateTriggers().isEmpty()) {
            return Optional.of("filling the new column in batches would fire " + table.name() + "'s UPDATE trigger(s) "
                    + String.join(", ", table.updateTriggers()) + " for every row, which the rewrite does not; add the "
                    + "column without a default and fill it yourself if that is what you want");
        }
        return Optional.empty();
    }

    private static List<String> primaryKey(SchemaFacts.Table table) {
        return table.constraints().stream().filter(c -> c.kind() == SchemaFacts.ConstraintKind.PRIMARY_KEY)
                .findFirst().map(SchemaFacts.Constraint::columns).orElse(List.of());
    }

    /**
     * A column definition this form takes: its only constraints a volatile DEFAULT and NOT NULL or NULL,
     * a type that is not serial nor a domain with constraints.
     *
     * @param definition the definition as written up to its first constraint (name, type, COLLATE, ...)
     * @param expression the default expression as written
     */
    private record Shape(String column, String definition, String expression, boolean notNull) {

        static Optional<Shape> of(String sql, PgNode column, SchemaFacts facts) {
            Optional<String> name = column.text("colname");
            Optional<PgNode> defaultValue = Optional.empty();
            boolean notNull = false;
            List<Integer> constraintStarts = new ArrayList<>();
            for (PgNode constraint : column.nodes("constraints")) {
                Optional<ConstrType> kind = Pg17.value(ConstrType.class, constraint, "contype");
                int location = constraint.number("location");
                if (kind.isEmpty() || location < 0 || constraint.text("conname").isPresent()) {
                    return Optional.empty();
                }
                switch (kind.get()) {
                    case DEFAULT -> defaultValue = Optional.of(constraint);
                    case NOT_NULL -> notNull = true;
                    case NULL -> { }
                    default -> {
                        return Optional.empty();
                    }
                }
                constraintStarts.add(location);
            }
            if (name.isEmpty() || defaultValue.isEmpty() || column.number("location") < 0
                    || !volatileDefault(defaultValue.get(), facts) || !plainType(column, facts)) {
                return Optional.empty();
            }
            int constraintsStart = constraintStarts.stream().min(Integer::compare).orElseThrow();
            String definition = SafeForms.betweenBytes(sql, column.number("location"), constraintsStart).strip();
            boolean required = notNull;
            return defaultText(sql, defaultValue.get().number("location"), constraintStarts)
                    .map(expression -> new Shape(name.get(), definition, expression, required));
        }
    }

    private static boolean volatileDefault(PgNode constraint, SchemaFacts facts) {
        Optional<PgNode> expression = constraint.node("raw_expr").filter(e -> !(e.is("A_CONST") && e.flag("isnull")));
        return expression.isPresent() && Volatilities.of(expression.get(), function -> Optional.empty(), facts)
                .volatility() == SchemaFacts.Volatility.VOLATILE;
    }

    /** Not serial (which fills from a sequence) nor a domain whose constraints PostgreSQL checks by rewriting. */
    private static boolean plainType(PgNode column, SchemaFacts facts) {
        TypeName type = TypeName.of(column.node("typeName").orElseThrow());
        return !type.serial() && !facts.type(type.names()).map(SchemaFacts.Type::domainHasConstraints).orElse(false);
    }

    /**
     * The default expression as written: from the DEFAULT keyword the parser located to the next
     * constraint of the column, or to the end of the statement.
     */
    private static Optional<String> defaultText(String sql, int defaultStart, List<Integer> constraintStarts) {
        int end = constraintStarts.stream().filter(start -> start > defaultStart).min(Integer::compare).orElse(-1);
        String clause = SafeForms.betweenBytes(sql, defaultStart, end).strip();
        if (!clause.regionMatches(true, 0, "DEFAULT", 0, 7) || clause.length() == 7
                || !Character.isWhitespace(clause.charAt(7)) && clause.charAt(7) != '(') {
            return Optional.empty();
        }
        String expression = clause.substring(7).strip();
        return expression.isEmpty() ? Optional.empty() : Optional.of(expression);
    }

    /**
     * A {@code DO} block that fills {@code column} batch by batch along {@code key}: it finds the
     * key that ends the next {@link #BATCH_ROWS} rows, sets the column to its default in the rows of
     * that key range still NULL, commits, and goes on from that key. Columns are qualified with an
     * alias and variables win conflicts, so no column name of the table can be taken for a variable.
     */
    static String fill(String relation, String column, List<String> key) {
        String alias = "safeshift_t";
        String columns = key.stream().map(k -> alias + "." + Sql.ident(k)).collect(Collectors.joining(", "));
        String last = key.stream().map(k -> "safeshift_last." + Sql.ident(k)).collect(Collectors.joining(", "));
        String descending = key.stream().map(k -> "safeshift_batch." + Sql.ident(k) + " DESC").collect(Collectors.joining(", "));
        String batchKeys = key.stream().map(k -> "safeshift_batch." + Sql.ident(k)).collect(Collectors.joining(", "));
        String ordered = key.stream().map(k -> alias + "." + Sql.ident(k)).collect(Collectors.joining(", "));
        String after = "(" + columns + ") > (" + last + ")";
        String upTo = "(" + columns + ") <= (" + key.stream().map(k -> "safeshift_end." + Sql.ident(k))
                .collect(Collectors.joining(", ")) + ")";
        String empty = alias + "." + Sql.ident(column) + " IS NULL";
        String next = "SELECT " + batchKeys + " INTO safeshift_end FROM (SELECT " + ordered + " FROM " + relation + " AS "
                + alias + " %s ORDER BY " + ordered + " LIMIT " + BATCH_ROWS + ") safeshift_batch ORDER BY " + descending
                + " LIMIT 1;";
        String update = "UPDATE " + relation + " AS " + alias + " SET " + Sql.ident(column) + " = DEFAULT WHERE %s" + upTo
                + " AND " + empty + ";";
        String body = String.join("\n",
                "#variable_conflict use_variable",
                "DECLARE",
                "  safeshift_last record;",
                "  safeshift_end record;",
                "  safeshift_started boolean := false;",
                "  safeshift_rows bigint := 0;",
                "  safeshift_batch_rows bigint;",
                "  safeshift_reported timestamptz := clock_timestamp();",
                "BEGIN",
                "  LOOP",
                "    IF safeshift_started THEN",
                "      " + next.formatted("WHERE " + after),
                "      EXIT WHEN NOT FOUND;",
                "      " + update.formatted(after + " AND "),
                "    ELSE",
                "      " + next.formatted(""),
                "      EXIT WHEN NOT FOUND;",
                "      " + update.formatted(""),
                "      safeshift_started := true;",
                "    END IF;",
                "    GET DIAGNOSTICS safeshift_batch_rows = ROW_COUNT;",
                "    COMMIT;",
                "    safeshift_rows := safeshift_rows + safeshift_batch_rows;",
                "    safeshift_last := safeshift_end;",
                "    IF clock_timestamp() - safeshift_reported > interval '" + PROGRESS_SECONDS + " seconds' THEN",
                "      RAISE NOTICE '" + PROGRESS + "% rows filled', safeshift_rows;",
                "      safeshift_reported := clock_timestamp();",
                "    END IF;",
                "  END LOOP;",
                "  RAISE NOTICE '" + PROGRESS + "% rows filled, done', safeshift_rows;",
                "END");
        String tag = "$safeshift$";
        for (int i = 1; body.contains(tag); i++) {
            tag = "$safeshift" + i + "$";
        }
        return "DO " + tag + "\n" + body + "\n" + tag;
    }
}
