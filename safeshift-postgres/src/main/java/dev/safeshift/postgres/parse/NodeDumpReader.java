package dev.safeshift.postgres.parse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the text PostgreSQL prints for a parse tree ({@code debug_print_parse} with
 * {@code debug_pretty_print} off) into {@link PgNode}s.
 *
 * <p>The server wraps that text at 78 characters: it breaks at a space where it can, replacing the
 * space by a line break (even an escaped space inside a name, printed as backslash-space), and in
 * the middle of a word that is too long to break elsewhere. Lines are therefore joined with a space,
 * except a full-width line without any space, which was cut inside a word. A word of 77 characters
 * or more that happens to end exactly at the margin is the one case this cannot tell apart; it can
 * only occur in long constants, which no rule reads.
 */
public final class NodeDumpReader {

    static final int LINE_WIDTH = 78;

    private final String text;
    private int position;

    private NodeDumpReader(String text) {
        this.text = text;
    }

    /** Reads one printed node, such as {@code {QUERY :commandType 6 ...}}. */
    static PgNode read(String printed) {
        return readNode(unwrap(printed));
    }

    /**
     * Reads a tree the catalog stores ({@code pg_node_tree}, such as {@code pg_constraint.conbin}):
     * the same format, on one line, written by the source's own version.
     */
    public static PgNode readStored(String stored) {
        return readNode(stored);
    }

    private static PgNode readNode(String text) {
        NodeDumpReader reader = new NodeDumpReader(text);
        Object value = reader.readValue();
        if (!(value instanceof PgNode node)) {
            throw reader.malformed("a node");
        }
        reader.skipSpace();
        if (reader.position != reader.text.length()) {
            throw reader.malformed("the end of the tree");
        }
        return node;
    }

    static String unwrap(String printed) {
        String[] lines = printed.split("\n", -1);
        StringBuilder joined = new StringBuilder(printed.length());
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            joined.append(line);
            boolean cutInsideWord = line.length() == LINE_WIDTH && line.indexOf(' ') < 0;
            if (i < lines.length - 1 && !cutInsideWord) {
                joined.append(' ');
            }
        }
        return joined.toString();
    }

    private Object readValue() {
        skipSpace();
        if (position >= text.length()) {
            throw malformed("a value");
        }
        char c = text.charAt(position);
        if (c == '{') {
            return readNode();
        }
        if (c == '(') {
            return readList();
        }
        if (c == '[') {
            return readDatum();
        }
        if (c == '"') {
            return readQuoted();
        }
        if (text.startsWith("<>", position)) {
            position += 2;
            return null;
        }
        return readWord();
    }

    private PgNode readNode() {
        position++; // {
        String tag = readWord();
        Map<String, Object> fields = new LinkedHashMap<>();
        while (true) {
            skipSpace();
            if (position >= text.length()) {
                throw malformed("'}' closing " + tag);
            }
            if (text.charAt(position) == '}') {
                position++;
                return new PgNode(tag, fields);
            }
            String field = readWord();
            if (!field.startsWith(":")) {
                throw malformed("a field name in " + tag);
            }
            Object value = readFieldValue();
            if (value != null) {
                fields.put(field.substring(1), value);
            }
        }
    }

    /** A field's value is usually one item; a constant's datum is a length followed by its bytes in brackets. */
    private Object readFieldValue() {
        Object first = readValue();
        List<Object> more = null;
        while (true) {
            skipSpace();
            if (position >= text.length()) {
                break;
            }
            char c = text.charAt(position);
            if (c == '}' || (c == ':' && !isEscaped(position))) {
                break;
            }
            if (more == null) {
                more = new ArrayList<>();
                more.add(first);
            }
            more.add(readValue());
        }
        return more == null ? first : more;
    }

    private List<Object> readList() {
        position++; // (
        List<Object> items = new ArrayList<>();
        while (true) {
            skipSpace();
            if (position >= text.length()) {
                throw malformed("')'");
            }
            if (text.charAt(position) == ')') {
                position++;
                return items;
            }
            Object item = readValue();
            if (item != null) {
                items.add(item);
            }
        }
    }

    private List<Object> readDatum() {
        position++; // [
        List<Object> bytes = new ArrayList<>();
        while (true) {
            skipSpace();
            if (position >= text.length()) {
                throw malformed("']'");
            }
            String word = readWord();
            if (word.equals("]")) {
                return bytes;
            }
            bytes.add(word);
        }
    }

    /** A string value: printed in double quotes, its content escaped as a word is. */
    private String readQuoted() {
        position++; // "
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
        throw malformed("a closing '\"'");
    }

    /** A bare word: a name, number or keyword; backslash escapes spaces, brackets and a leading quote or digit. */
    private String readWord() {
        skipSpace();
        StringBuilder word = new StringBuilder();
        while (position < text.length()) {
            char c = text.charAt(position);
            if (c == '\\' && position + 1 < text.length()) {
                word.append(text.charAt(position + 1));
                position += 2;
                continue;
            }
            if (Character.isWhitespace(c) || c == '(' || c == ')' || c == '{' || c == '}') {
                break;
            }
            word.append(c);
            position++;
        }
        if (word.isEmpty()) {
            throw malformed("a word");
        }
        return word.toString();
    }

    private boolean isEscaped(int index) {
        return index > 0 && text.charAt(index - 1) == '\\';
    }

    private void skipSpace() {
        while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
            position++;
        }
    }

    private IllegalStateException malformed(String expected) {
        int from = Math.max(0, position - 40);
        int to = Math.min(text.length(), position + 40);
        return new IllegalStateException("the parser server printed a tree this reader does not understand: expected "
                + expected + " at character " + position + " near '" + text.substring(from, to) + "'");
    }
}
