package dev.safeshift.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The SQL that prints rows for the re-check of suspects and for the report, PostgreSQL to
 * PostgreSQL. Two values are printed alike exactly when {@link RowHash} hashes them alike: the
 * same rules of what is equal by design (docs/verification.md has the table), with the session
 * settings of {@link ComparerConnections} (UTC, ISO dates, hex bytea, shortest exact floats)
 * making every text form canonical. Values longer than {@link #LONGEST} characters come back as a
 * digest computed by the server, so a re-check of megabyte values neither carries them to the
 * client nor shows them whole; two digests are equal exactly when the values are.
 */
final class RowNormalizer {

    /** Longer values are printed as their digest. */
    static final int LONGEST = 1_000;

    private RowNormalizer() {
    }

    /** The normalized value of one column, as an SQL expression of the column's own row. */
    static String value(ColumnType column) {
        String v = RowHash.value(column);
        if (!column.builtin()) {
            return v;
        }
        return switch (column.base()) {
            // an unconstrained numeric is compared without trailing zeros; numeric(p,s) keeps its scale
            case "numeric" -> column.typmod() >= 0 ? v : "trim_scale(" + v + ")";
            case "bpchar" -> v + "::text"; // padding is not data: 'ab ' in char(3) is 'ab'
            case "float4", "float8" -> "(CASE WHEN " + v + " = 0 THEN 0 ELSE " + v + " END)"; // -0 is 0; NaN is NaN
            case "json" -> v + "::jsonb"; // key order and white space are not data
            case "money" -> v + "::numeric"; // independent of lc_monetary
            default -> v;
        };
    }

    /** A column's normalized text, or for a long value {@code sha256:<hex> (<length> chars)}. */
    static String bounded(String text) {
        return "CASE WHEN length(" + text + ") > " + LONGEST + " THEN 'sha256:' || encode(sha256(convert_to(" + text
                + ", 'UTF8')), 'hex') || ' (' || length(" + text + ") || ' chars)' ELSE " + text + " END";
    }

    /**
     * The select list and FROM item that print each column's normalized text, in table order:
     * every column's text is computed once, in a sub-select that is not flattened into the query,
     * and then bounded.
     */
    static String columnTexts(List<ColumnType> columns) {
        List<String> bounded = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            bounded.add(bounded("safeshift_v.safeshift_c" + i));
        }
        return String.join(", ", bounded);
    }

    /** The LATERAL sub-select {@link #columnTexts} reads, named {@code safeshift_v}. */
    static String columnTextsFrom(List<ColumnType> columns) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            texts.add("(" + value(columns.get(i)) + ")::text AS safeshift_c" + i);
        }
        // OFFSET 0 keeps the planner from pulling the sub-select up and computing each text several times
        return "LATERAL (SELECT " + String.join(", ", texts) + " OFFSET 0) AS safeshift_v";
    }

    /**
     * The key columns' normalized text, in key order. Keys are never digested: they are looked up
     * again by their text, and a key is short (an index entry holds at most about 2,700 bytes).
     */
    static String keyTexts(List<ColumnType> key) {
        List<String> outputs = new ArrayList<>();
        for (int i = 0; i < key.size(); i++) {
            outputs.add("(" + value(key.get(i)) + ")::text AS safeshift_key_" + i);
        }
        return outputs.stream().collect(Collectors.joining(", "));
    }
}
