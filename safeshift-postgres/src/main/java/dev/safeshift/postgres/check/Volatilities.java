package dev.safeshift.postgres.check;

import dev.safeshift.postgres.parse.PgNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The volatility of an expression as a statement writes it (before analysis), such as a column
 * default. A default that calls a volatile function is evaluated for every existing row, which is
 * why ADD COLUMN then rewrites the table; a stable or immutable one is evaluated once. The
 * expression is volatile when any function or operator it calls may be: functions are looked up
 * by name among the script's own CREATE FUNCTION statements and then on the source, and a name
 * found nowhere counts as volatile.
 */
final class Volatilities {

    /** Nodes that only structure an expression and call nothing themselves. */
    private static final Set<String> STRUCTURE = Set.of("A_CONST", "TYPECAST", "TYPENAME", "COLLATECLAUSE",
            "A_ARRAYEXPR", "ROW", "ROWEXPR", "BOOLEXPR", "NULLTEST", "BOOLEANTEST", "CASEEXPR", "CASEWHEN",
            "COALESCEEXPR", "MINMAXEXPR", "A_INDIRECTION", "A_INDICES", "STRING", "INTEGER", "FLOAT", "BOOLEAN",
            "BITSTRING", "NAMEDARGEXPR");

    private Volatilities() {
    }

    /** What makes an expression volatile, with the volatility found. */
    record Verdict(SchemaFacts.Volatility volatility, List<String> reasons) {
    }

    static Verdict of(PgNode expression, Review review) {
        return of(expression, review.script::createdFunction, review.facts);
    }

    /**
     * The same, with {@code createdInScript} telling the volatility of functions that statements
     * before this one create (none when the expression is judged on its own: such a function is
     * then unknown, so volatile).
     */
    static Verdict of(PgNode expression, Function<List<String>, Optional<SchemaFacts.Volatility>> createdInScript,
                      SchemaFacts facts) {
        List<PgNode> nodes = new ArrayList<>(expression.descendants());
        nodes.add(0, expression);
        SchemaFacts.Volatility most = SchemaFacts.Volatility.IMMUTABLE;
        List<String> volatileParts = new ArrayList<>();
        for (PgNode node : nodes) {
            Optional<SchemaFacts.Volatility> volatility;
            String what;
            if (node.is("FUNCCALL")) {
                List<String> name = node.texts("funcname");
                what = String.join(".", name) + "()";
                volatility = createdInScript.apply(name).or(() -> facts.functionVolatility(name));
            } else if (node.is("A_EXPR")) {
                List<String> name = node.texts("name");
                what = "operator " + String.join(".", name);
                volatility = facts.operatorVolatility(name);
            } else if (node.is("SQLVALUEFUNCTION")) {
                // CURRENT_TIMESTAMP, CURRENT_USER and the like: fixed for the statement.
                what = "a SQL value function";
                volatility = Optional.of(SchemaFacts.Volatility.STABLE);
            } else if (STRUCTURE.contains(node.tag())) {
                continue;
            } else {
                what = "an expression of kind " + node.tag();
                volatility = Optional.empty();
            }
            SchemaFacts.Volatility found = volatility.orElse(SchemaFacts.Volatility.VOLATILE);
            if (found == SchemaFacts.Volatility.VOLATILE) {
                volatileParts.add(volatility.isPresent() ? what + " is volatile" : what + " is not known to be stable");
            }
            if (found.compareTo(most) > 0) {
                most = found;
            }
        }
        return new Verdict(most, volatileParts);
    }
}
