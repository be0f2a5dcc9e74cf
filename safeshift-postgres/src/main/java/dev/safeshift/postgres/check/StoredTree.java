package dev.safeshift.postgres.check;

import dev.safeshift.postgres.parse.PgNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an expression the catalog stores as a node tree ({@code pg_node_tree}, such as
 * {@code pg_constraint.conbin}) into {@link PgNode}s, so rules can reason about an existing
 * constraint's tree instead of its SQL text. The format is the one the parser server prints, but
 * stored on one line and written by the source's own version; the parser's reader is kept to the
 * parser's printed trees (and undoes their line wrapping), so this small one reads stored ones.
 */
final class StoredTree {

    private final String text;
    private int position;

    private StoredTree(String text) {
        this.text = text;
    }

    static PgNode read(String stored) {
        StoredTree reader = new StoredTree(stored);
        if (!(reader.value() instanceof PgNode node)) {
            throw reader.malformed("a node");
        }
        return node;
    }

    private Object value() {
        skipSpace();
        if (position >= text.length()) {
            throw malformed("a value");
        }
        char c = text.charAt(position);
        if (c == '{') {
            return node();
        }
        if (c == '(' || c == '[') {
            return list(c == '(' ? ')' : ']');
        }
        if (c == '"') {
            return quoted();
        }
        if (text.startsWith("<>", position)) {
            position += 2;
            return null;
        }
        return word();
    }

    private PgNode node() {
        position++;
        String tag = word();
        Map<String, Object> fields = new LinkedHashMap<>();
        String field = null;
        List<Object> values = new ArrayList<>();
        while (true) {
            skipSpace();
            if (position >= text.length()) {
                throw malformed("'}'");
            }
            char c = text.charAt(position);
            if (c == '}' || c == ':') {
                if (field != null && !values.isEmpty()) {
                    fields.put(field, values.size() == 1 ? values.get(0) : List.copyOf(values));
                }
                if (c == '}') {
                    position++;
                    return new PgNode(tag, fields);
                }
                field = word().substring(1);
                values = new ArrayList<>();
            } else {
                Object value = value();
                if (value != null) {
                    values.add(value);
                }
            }
        }
    }

    private List<Object> list(char close) {
        position++;
        List<Object> items = new ArrayList<>();
        while (true) {
            skipSpace();
            if (position >= text.length()) {
                throw malformed("'" + close + "'");
            }
            if (text.charAt(position) == close) {
                position++;
                return items;
            }
            Object item = value();
            if (item != null) {
                items.add(item);
            }
        }
    }

    private String quoted() {
        position++;
        StringBuilder value = new StringBuilder();
        while (position < text.length()) {
            char c = text.charAt(position++);
            if (c == '\\' && position < text.length()) {
                value.append(text.charAt(position++));
            } else if (c == '"') {
                return value.toString();
            } else {
                value.append(c);
            }
        }
        throw malformed("'\"'");
    }

    private String word() {
        skipSpace();
        StringBuilder word = new StringBuilder();
        while (position < text.length()) {
            char c = text.charAt(position);
            if (c == '\\' && position + 1 < text.length()) {
                word.append(text.charAt(position + 1));
                position += 2;
            } else if (Character.isWhitespace(c) || "(){}[]".indexOf(c) >= 0) {
                break;
            } else {
                word.append(c);
                position++;
            }
        }
        if (word.isEmpty()) {
            throw malformed("a word");
        }
        return word.toString();
    }

    private void skipSpace() {
        while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
            position++;
        }
    }

    private IllegalStateException malformed(String expected) {
        return new IllegalStateException("a stored expression this reader does not understand: expected " + expected
                + " at character " + position + " of '" + text + "'");
    }
}
