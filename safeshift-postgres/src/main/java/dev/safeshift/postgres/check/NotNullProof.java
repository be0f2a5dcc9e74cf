package dev.safeshift.postgres.check;

import dev.safeshift.postgres.parse.NodeDumpReader;
import dev.safeshift.postgres.parse.PgNode;
import java.util.HashSet;
import java.util.Set;

/**
 * Which columns a validated CHECK constraint proves never null. Since PostgreSQL 12, SET NOT NULL
 * skips its table scan when the table's valid CHECK constraints imply {@code col IS NOT NULL}
 * (tablecmds.c, NotNullImpliedByRelConstraints). The server's proof is a "weak" implication:
 * a CHECK passes when its expression is null, so {@code CHECK (amount > 0)} proves nothing and only
 * a conjunct {@code col IS NOT NULL} (or {@code NOT (col IS NULL)}) does. This reads the stored
 * expression and accepts exactly those conjuncts, so it never claims a proof the server would not
 * find; a proof it misses only makes the rules assume the scan.
 */
final class NotNullProof {

    /** NullTestType in primnodes.h: IS_NULL, IS_NOT_NULL. */
    private static final String IS_NULL = "0";
    private static final String IS_NOT_NULL = "1";

    private NotNullProof() {
    }

    /** The attribute numbers of the columns the stored CHECK expression proves not null. */
    static Set<Integer> provenColumns(String storedExpression) {
        Set<Integer> columns = new HashSet<>();
        collect(NodeDumpReader.readStored(storedExpression), columns);
        return columns;
    }

    /**
     * The names of the columns a CHECK expression as a statement writes it proves not null: the
     * same conjuncts, on column references instead of stored attribute numbers. A script that adds
     * such a constraint and validates it can then SET NOT NULL without a scan.
     */
    static Set<String> provenColumnNames(PgNode writtenExpression) {
        Set<String> columns = new HashSet<>();
        collectNames(writtenExpression, columns);
        return columns;
    }

    private static void collectNames(PgNode expression, Set<String> columns) {
        if (expression.is("BOOLEXPR")) {
            String operator = expression.text("boolop").orElse("");
            if (operator.equals("and")) {
                expression.nodes("args").forEach(arg -> collectNames(arg, columns));
            } else if (operator.equals("not") && expression.nodes("args").size() == 1) {
                columnOfNullTest(expression.nodes("args").get(0), IS_NULL).ifPresent(columns::add);
            }
        } else {
            columnOfNullTest(expression, IS_NOT_NULL).ifPresent(columns::add);
        }
    }

    private static java.util.Optional<String> columnOfNullTest(PgNode node, String testType) {
        if (!node.is("NULLTEST") || !testType.equals(node.text("nulltesttype").orElse("")) || node.flag("argisrow")) {
            return java.util.Optional.empty();
        }
        return node.node("arg").filter(arg -> arg.is("COLUMNREF") && arg.texts("fields").size() == 1)
                .map(arg -> arg.texts("fields").get(0));
    }

    private static void collect(PgNode expression, Set<Integer> columns) {
        if (expression.is("BOOLEXPR")) {
            String operator = expression.text("boolop").orElse("");
            if (operator.equals("and")) {
                expression.nodes("args").forEach(arg -> collect(arg, columns));
            } else if (operator.equals("not") && expression.nodes("args").size() == 1) {
                PgNode negated = expression.nodes("args").get(0);
                if (isNullTestOfColumn(negated, IS_NULL)) {
                    columns.add(attribute(negated));
                }
            }
        } else if (isNullTestOfColumn(expression, IS_NOT_NULL)) {
            columns.add(attribute(expression));
        }
    }

    private static boolean isNullTestOfColumn(PgNode node, String testType) {
        if (!node.is("NULLTEST") || !testType.equals(node.text("nulltesttype").orElse("")) || node.flag("argisrow")) {
            return false;
        }
        return node.node("arg").map(arg -> arg.is("VAR") && arg.number("varlevelsup") == 0).orElse(false);
    }

    private static int attribute(PgNode nullTest) {
        return nullTest.node("arg").orElseThrow().number("varattno");
    }
}
