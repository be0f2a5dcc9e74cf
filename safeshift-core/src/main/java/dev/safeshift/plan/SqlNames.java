package dev.safeshift.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Names written the way SQL writes them. A double-quoted name keeps every character as written
 * ({@code ""} stands for one quote); an unquoted name is a letter or {@code _}, then letters, digits,
 * {@code _} or {@code $}, and is folded to lower case. Folding changes the ASCII letters A to Z only,
 * as PostgreSQL's {@code downcase_identifier} does in a UTF-8 database, so {@code Ünïcødé} keeps its
 * {@code Ü}. What comes out are the exact names, which the engines quote again when they build SQL.
 */
public final class SqlNames {

    private SqlNames() {
    }

    /** A name that cannot be read; the message says what is wrong and how to write it instead. */
    public static final class SyntaxException extends IllegalArgumentException {

        private final transient Optional<String> suggestion;

        SyntaxException(String message, String suggestion) {
            super(message);
            this.suggestion = Optional.ofNullable(suggestion);
        }

        /** The same name written so it reads as probably meant (quoted where needed), if one can be given. */
        public Optional<String> suggestion() {
            return suggestion;
        }
    }

    /** One dot-separated part as written, and the exact name it stands for. */
    private record Part(String written, String exact, boolean quoted) {
    }

    /**
     * The exact names of a dotted name such as {@code sales."Order Lines"}, at most {@code maxParts}
     * of them.
     *
     * @param noun what the parts name together, for messages ("a table name")
     * @throws SyntaxException when the text is not such a name
     */
    public static List<String> parse(String text, int maxParts, String noun) {
        List<Part> parts = split(text);
        if (parts.size() > maxParts) {
            throw new SyntaxException("it has " + parts.size() + " dot-separated parts, and " + noun + " has at most "
                    + maxParts + (maxParts == 2 ? " (schema.table)" : "") + ". A dot that belongs to a name goes "
                    + "inside double quotes, as in \"order-lines.2026\"", null);
        }
        for (Part part : parts) {
            if (!part.quoted()) {
                checkUnquoted(part.written(), parts);
            }
        }
        return parts.stream().map(Part::exact).toList();
    }

    /** The exact name of a single (undotted) name such as {@code amount_cents} or {@code "Amount (€)"}. */
    public static String parseOne(String text, String noun) {
        return parse(text, 1, noun).get(0);
    }

    /** {@code name} in double quotes, any quote inside doubled: always read back as exactly {@code name}. */
    public static String quote(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /**
     * {@code name} as it is best written: bare when it is a lower-case ASCII name that reads back the
     * same unquoted, otherwise quoted. Parsing the result gives {@code name} again.
     */
    public static String write(String name) {
        return isPlain(name) ? name : quote(name);
    }

    /** Whether {@code name} reads back as itself without quotes: {@code [a-z_][a-z0-9_$]*}. */
    public static boolean isPlain(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || c == '_' || (i > 0 && ((c >= '0' && c <= '9') || c == '$'));
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    /** Folds the ASCII letters A to Z to lower case, leaving every other character as it is. */
    public static String fold(String name) {
        StringBuilder out = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            out.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        }
        return out.toString();
    }

    private static List<Part> split(String text) {
        List<Part> parts = new ArrayList<>();
        int i = skipBlanks(text, 0);
        if (i == text.length()) {
            throw new SyntaxException("it is empty", null);
        }
        while (true) {
            if (text.charAt(i) == '"') {
                i = quoted(text, i, parts);
            } else {
                int start = i;
                while (i < text.length() && text.charAt(i) != '.' && text.charAt(i) != '"') {
                    i++;
                }
                String written = text.substring(start, i).strip();
                if (i < text.length() && text.charAt(i) == '"') {
                    throw new SyntaxException("a double quote (character " + (i + 1) + ") cannot appear inside an "
                            + "unquoted name. Put the whole name in double quotes and write each quote inside it "
                            + "twice, as in \"say \"\"hi\"\"\"", null);
                }
                if (written.isEmpty()) {
                    throw new SyntaxException("a name is missing " + (i == text.length() ? "after" : "before")
                            + " the dot at character " + (i == text.length() ? text.lastIndexOf('.') + 1 : i + 1), null);
                }
                parts.add(new Part(written, fold(written), false));
            }
            i = skipBlanks(text, i);
            if (i == text.length()) {
                return parts;
            }
            if (text.charAt(i) != '.') {
                throw new SyntaxException("after the quoted name " + shorten(parts.get(parts.size() - 1).written())
                        + " comes " + describe(text.codePointAt(i)) + " (character " + (i + 1) + "); a quoted name "
                        + "ends at its closing quote and is followed by a dot or nothing. Write a quote inside a "
                        + "quoted name twice (\"\")", null);
            }
            i = skipBlanks(text, i + 1);
            if (i == text.length()) {
                throw new SyntaxException("a name is missing after the dot at character " + (text.lastIndexOf('.') + 1),
                        null);
            }
        }
    }

    /** Reads the quoted name starting at {@code open}; returns the index after its closing quote. */
    private static int quoted(String text, int open, List<Part> parts) {
        StringBuilder exact = new StringBuilder();
        int i = open + 1;
        while (true) {
            if (i >= text.length()) {
                throw new SyntaxException("the double quote at character " + (open + 1) + " is never closed. End a "
                        + "quoted name with \" and write a quote inside it twice (\"\")", null);
            }
            char c = text.charAt(i);
            if (c == '"') {
                if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    exact.append('"');
                    i += 2;
                    continue;
                }
                i++;
                break;
            }
            if (c == '\0') {
                // No database stores U+0000 in a name; PostgreSQL cannot even receive it in a query.
                throw new SyntaxException("the quoted name contains the character U+0000, which no database "
                        + "accepts in a name", null);
            }
            exact.append(c);
            i++;
        }
        if (exact.isEmpty()) {
            throw new SyntaxException("\"\" at character " + (open + 1) + " is an empty quoted name; a name has "
                    + "at least one character", null);
        }
        parts.add(new Part(text.substring(open, i), exact.toString(), true));
        return i;
    }

    private static void checkUnquoted(String written, List<Part> all) {
        int first = written.codePointAt(0);
        String problem = null;
        if (!isLetter(first) && first != '_') {
            problem = "an unquoted name starts with a letter or _, not " + describe(first);
        } else {
            for (int i = Character.charCount(first); i < written.length(); ) {
                int c = written.codePointAt(i);
                if (!isLetter(c) && !isDigit(c) && c != '_' && c != '$' && !isMark(c)) {
                    problem = describe(c) + " cannot appear in an unquoted name, which holds only letters, "
                            + "digits, _ and $";
                    break;
                }
                i += Character.charCount(c);
            }
        }
        if (problem == null) {
            return;
        }
        // Whoever writes "order-lines" means that exact name, so quoting every such part keeps
        // what was written; parts that are fine stay as they were.
        String suggestion = all.stream()
                .map(p -> p.quoted() || valid(p.written()) ? p.written() : quote(p.written()))
                .collect(Collectors.joining("."));
        throw new SyntaxException("in " + shorten(written) + ", " + problem + ". Put the name in double quotes to "
                + "keep it exactly as written: " + shorten(quote(written)), suggestion);
    }

    private static boolean valid(String unquoted) {
        int first = unquoted.codePointAt(0);
        if (!isLetter(first) && first != '_') {
            return false;
        }
        return unquoted.codePoints().skip(1).allMatch(c -> isLetter(c) || isDigit(c) || c == '_' || c == '$' || isMark(c));
    }

    private static boolean isLetter(int c) {
        return c < 128 ? (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') : Character.isLetter(c);
    }

    private static boolean isDigit(int c) {
        return c < 128 ? c >= '0' && c <= '9' : Character.isDigit(c);
    }

    /** Combining accents, so a decomposed ü (u followed by U+0308) is as good as a composed one. */
    private static boolean isMark(int c) {
        int type = Character.getType(c);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }

    private static int skipBlanks(String text, int i) {
        while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    /** Long names are cut in messages, which quote them only to point at the problem. */
    private static String shorten(String text) {
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }

    private static String describe(int c) {
        if (c == ' ') {
            return "a space";
        }
        if (Character.isISOControl(c) || Character.isWhitespace(c) || !Character.isDefined(c)) {
            return String.format("the character U+%04X", c);
        }
        return c == '\'' ? "\"'\"" : "'" + new String(Character.toChars(c)) + "'";
    }
}
