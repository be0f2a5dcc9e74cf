package dev.safeshift.postgres.stream;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Table and column names the way change records carry them.
 *
 * <p>Debezium's pgoutput decoder (3.4) reads the names in the replication protocol's relation
 * message one byte at a time and turns each byte into one {@code char}, sign-extended: a name with
 * characters outside ASCII arrives as one char per UTF-8 byte ({@code é}, bytes C3 A9, becomes
 * {@code \uFFC3\uFFA9}). Column names are then "unquoted" when they begin and end with the same
 * quote character ({@code "}, {@code '} or a backquote), which also undoubles that character inside.
 * Records name their table and fields by these forms, so the stream looks names up by both.
 *
 * <p>The decoder also refuses a table whose column names are equal once lower-cased (it cannot
 * keep such columns apart); {@link #caseCollisions} finds them before a move starts.
 */
final class DebeziumNames {

    private DebeziumNames() {
    }

    /** A schema or table name as the decoder reads it. */
    static String relation(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            out.append((char) b); // what the decoder does: a negative byte becomes \uFF80..\uFFFF
        }
        return out.toString();
    }

    /** A column name as the decoder reads it. */
    static String column(String name) {
        return unquote(relation(name));
    }

    private static String unquote(String name) {
        if (name.length() < 2) {
            return name;
        }
        char first = name.charAt(0);
        if (first != name.charAt(name.length() - 1) || (first != '"' && first != '\'' && first != '`')) {
            return name;
        }
        String quote = String.valueOf(first);
        return name.substring(1, name.length() - 1).replace(quote + quote, quote);
    }

    /**
     * Groups of columns (by their real names) that the decoder would take for one column: equal
     * after it reads them and lower-cases them. Empty when every name can be told apart.
     */
    static List<List<String>> caseCollisions(List<String> columns) {
        Map<String, List<String>> byDecodedName = new LinkedHashMap<>();
        for (String column : columns) {
            byDecodedName.computeIfAbsent(column(column).toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(column);
        }
        return byDecodedName.values().stream().filter(group -> group.size() > 1).map(List::copyOf).toList();
    }
}
