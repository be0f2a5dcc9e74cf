package dev.safeshift.router;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;

/**
 * The normalized shape of one SQL statement, under which the router records latency and errors,
 * in the spirit of {@code pg_stat_statements}' normalized query text.
 *
 * <p>Every literal value is replaced, so that no row value (which may be personal data) leaves the
 * process inside a pattern, and so that calls differing only in their literals share one pattern.
 * {@link #of(String)} applies these rules in a single linear pass and never throws:
 * <ul>
 *   <li>String literals become {@code ?}: {@code '...'} (with {@code ''} inside), {@code E'...'}
 *       (backslash escapes), {@code U&'...'}, {@code N'...'}, bit strings {@code B'0101'} and
 *       {@code X'1F'}, and dollar-quoted strings {@code $$...$$} and {@code $tag$...$tag$}.</li>
 *   <li>Numeric literals become {@code ?}: {@code 42}, {@code 1.5}, {@code .5}, {@code 1e-3},
 *       {@code 0x1F} (also {@code 0o17}, {@code 0b101}, {@code 1_000}). Digits inside identifiers
 *       ({@code table1}, {@code t2.col3}) are kept, as are parameters {@code $1} and {@code ?}; digits
 *       that begin a word are a number, so {@code id=1or} cannot keep a value (and MySQL's
 *       {@code 1st} gives {@code ?st}).
 *       A minus sign written directly before a number is part of the literal where it cannot be
 *       a subtraction: after an operator, {@code (}, {@code ,}, {@code [} or a keyword such as
 *       {@code select} or {@code and}; so {@code = -5} gives {@code = ?} but {@code a - 5} gives
 *       {@code a - ?}.</li>
 *   <li>A parenthesised list holding only {@code ?} placeholders becomes {@code (?+)}, whatever
 *       its length, one included: {@code IN (1)} and {@code IN (1, 2, 3)} share a pattern. A run of
 *       such groups separated by commas becomes one: {@code VALUES (1, 'x'), (2, 'y')} gives
 *       {@code values (?+)}. Lists of {@code $1}-style parameters are kept as written.</li>
 *   <li>Comments ({@code -- ...} and nested {@code /* ... *}{@code /}) are removed and count as
 *       whitespace. A run of whitespace becomes one space; tokens the application wrote adjacent
 *       stay adjacent, so {@code id=7} gives {@code id=?} while {@code id = 7} gives
 *       {@code id = ?}: they are two patterns, as in {@code pg_stat_statements}. Leading and
 *       trailing whitespace and trailing semicolons are removed.</li>
 *   <li>Unquoted words have their ASCII letters lower-cased, as PostgreSQL folds them
 *       ({@code SELECT} and {@code select} are one pattern); other letters are kept, because
 *       PostgreSQL keeps them too, so {@code ÄBC} gives {@code Äbc}. Quoted identifiers
 *       ({@code "Sales Ops"}, MySQL's {@code `a1`}) are kept exactly, quotes included.</li>
 *   <li>Casts and operators are kept: {@code '5'::int} gives {@code ?::int}.</li>
 *   <li>A quoted literal, quoted identifier or comment left open swallows the rest of the input
 *       (a literal or identifier as one {@code ?}), since past that point values cannot be told
 *       from structure.</li>
 *   <li>The text is cut at {@value #MAX_LENGTH} characters and then {@code …} appended, so a huge
 *       generated statement cannot make a huge pattern.</li>
 * </ul>
 * Strings are read as PostgreSQL reads them with {@code standard_conforming_strings} on: in a plain
 * {@code '...'} a backslash is an ordinary character. Double-quoted text is always an identifier.
 *
 * @param text the normalized statement
 * @param id   16 lower-case hex characters: the first 8 bytes of SHA-256 of {@code text} in UTF-8,
 *             the same in every run and JVM
 */
public record QueryPattern(String text, String id) {

    /** The longest text kept before it is cut and {@code …} appended. */
    public static final int MAX_LENGTH = 1000;

    private static final int ID_LENGTH = 16;

    /**
     * Checks that both parts are present and that {@code id} has the form {@link #of(String)} gives it.
     *
     * @param text the normalized statement
     * @param id   16 lower-case hex characters
     * @throws IllegalArgumentException if {@code id} is not 16 lower-case hex characters
     */
    public QueryPattern {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(id, "id");
        if (id.length() != ID_LENGTH || !id.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new IllegalArgumentException("id must be 16 lower-case hex characters: " + id);
        }
    }

    /**
     * The pattern of one SQL statement as the application wrote it, with every literal value
     * stripped (see the rules on {@link QueryPattern}). Runs in time linear in the length of
     * {@code sql} and never throws, whatever the input.
     *
     * @param sql the statement's text; {@code null} is read as the empty string
     * @return its pattern
     */
    public static QueryPattern of(String sql) {
        String text = new Normalizer(sql == null ? "" : sql).normalize();
        return new QueryPattern(text, idOf(text));
    }

    private static String idOf(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, ID_LENGTH / 2);
        } catch (NoSuchAlgorithmException e) {
            // every Java platform is required to provide SHA-256
            throw new IllegalStateException(e);
        }
    }

    /** One pass over a statement, writing its pattern as it goes. Not thread-safe; one per call. */
    private static final class Normalizer {

        /**
         * Words after which {@code -5} is a negative number, not a subtraction. A small list is
         * enough: missing one only leaves a {@code -} in the text, never a value.
         */
        private static final Set<String> KEYWORDS_BEFORE_VALUE = Set.of("select", "where", "and", "or", "not",
                "when", "then", "else", "case", "between", "in", "is", "like", "ilike", "limit", "offset", "having",
                "on", "values", "return", "returning", "distinct", "all", "any", "some");

        /** Characters after which a directly following {@code -5} is a negative number. */
        private static final String CHARS_BEFORE_VALUE = "(,[{=<>+-*/%^~!@#&|:;";

        /** Deeper parentheses are not tracked, so a pathological statement cannot use unbounded memory. */
        private static final int MAX_TRACKED_DEPTH = 256;

        // How far a parenthesised group has shown itself to be a list of placeholders.
        private static final byte EXPECT_PLACEHOLDER = 0;
        private static final byte AFTER_PLACEHOLDER = 1;
        private static final byte NOT_A_LIST = 2;

        private enum Kind { WORD, QUOTED_NAME, PLACEHOLDER, PARAMETER, OPEN, CLOSE, COMMA, OTHER }

        private final String sql;
        private final int length;
        private final StringBuilder out;

        /** Whitespace or a comment came since the last token written. */
        private boolean pendingSpace;
        /** A {@code -} directly before a number here starts a negative number. */
        private boolean valueExpected = true;
        /** A {@code .} directly here qualifies a name ({@code t2.x}), so {@code .5} is not a number. */
        private boolean qualifierDot;

        // Open parentheses, innermost last: where each starts in out, what it holds so far, and where
        // the run of collapsed groups it may join ends (-1: it joins none).
        private final int[] groupStart = new int[MAX_TRACKED_DEPTH];
        private final int[] joinsRunAt = new int[MAX_TRACKED_DEPTH];
        private final byte[] groupState = new byte[MAX_TRACKED_DEPTH];
        private int depth;
        private int untrackedDepth;

        // A run of collapsed "(?+)" groups: runEnd is where the last one ends in out; afterRunComma
        // says a comma followed it, so a "(" now starts a group that may join the run.
        private int runEnd = -1;
        private boolean afterRunComma;

        Normalizer(String sql) {
            this.sql = sql;
            this.length = sql.length();
            this.out = new StringBuilder(Math.min(length, 4 * MAX_LENGTH));
        }

        String normalize() {
            int i = 0;
            while (i < length) {
                i = step(i);
            }
            return capped(withoutTrailingSemicolons());
        }

        /** Reads the token at {@code i}, writes its normalized form and returns where the next one starts. */
        private int step(int i) {
            char c = sql.charAt(i);
            char next = charAt(i + 1);
            if (isSpace(c)) {
                return skipSpace(i + 1);
            }
            if (c == '-' && next == '-') {
                return skipComment(lineEnd(i));
            }
            if (c == '/' && next == '*') {
                return skipComment(blockCommentEnd(i));
            }
            if (c == '\'') {
                return literal(standardStringEnd(i));
            }
            if (c == '"' || c == '`') {
                return quotedName(i, c);
            }
            if (c == '$') {
                return dollar(i);
            }
            if (c == '-' && valueExpected && startsNumber(i + 1)) {
                return literal(numberEnd(i + 1));
            }
            if (isDigit(c) || (c == '.' && isDigit(next) && !qualifierDot)) {
                return literal(numberEnd(i));
            }
            if (isWordStart(c)) {
                return word(i);
            }
            return punctuation(i, c);
        }

        // ---- comments and whitespace

        private int skipSpace(int end) {
            pendingSpace = true;
            qualifierDot = false; // "a .5" is a name and a number
            return end;
        }

        private int skipComment(int end) {
            return skipSpace(end); // PostgreSQL reads a comment as whitespace: a/**/b is a b
        }

        private int lineEnd(int i) {
            int newline = sql.indexOf('\n', i);
            return newline < 0 ? length : newline;
        }

        /** The end of the block comment at {@code i}, which may hold nested block comments. */
        private int blockCommentEnd(int i) {
            int nesting = 0;
            int j = i;
            while (j < length) {
                char c = sql.charAt(j);
                char next = charAt(j + 1);
                if (c == '/' && next == '*') {
                    nesting++;
                    j += 2;
                } else if (c == '*' && next == '/') {
                    nesting--;
                    j += 2;
                    if (nesting == 0) {
                        return j;
                    }
                } else {
                    j++;
                }
            }
            return length;
        }

        // ---- literals

        /** The end of the {@code '...'} string at {@code i}, where {@code ''} is a quote inside it. */
        private int standardStringEnd(int i) {
            int j = i + 1;
            while (j < length) {
                int quote = sql.indexOf('\'', j);
                if (quote < 0) {
                    return length;
                }
                if (charAt(quote + 1) != '\'') {
                    return quote + 1;
                }
                j = quote + 2;
            }
            return length;
        }

        /** The end of the {@code E'...'} string whose quote is at {@code i}: backslash escapes anything. */
        private int escapeStringEnd(int i) {
            int j = i + 1;
            while (j < length) {
                char c = sql.charAt(j);
                if (c == '\\') {
                    j += 2;
                } else if (c == '\'') {
                    if (charAt(j + 1) != '\'') {
                        return j + 1;
                    }
                    j += 2;
                } else {
                    j++;
                }
            }
            return length;
        }

        private boolean startsNumber(int i) {
            return isDigit(charAt(i)) || (charAt(i) == '.' && isDigit(charAt(i + 1)));
        }

        /**
         * The end of the number at {@code i}. Letters right after it are not part of it: they begin
         * the next word, so {@code id=1or} keeps no value. (MySQL may name a column {@code 1st}; its
         * pattern then shows {@code ?st}, which costs readability, never privacy.)
         */
        private int numberEnd(int i) {
            if (charAt(i) == '0' && radixDigits(charAt(i + 1)) != null) {
                int end = digitsEnd(i + 2, radixDigits(charAt(i + 1)));
                if (end > i + 2) {
                    return end;
                }
            }
            int j = digitsEnd(i, "0123456789");
            // "1..10" is a range in PL/pgSQL, so a dot followed by a dot is not a decimal point
            if (charAt(j) == '.' && charAt(j + 1) != '.') {
                j = digitsEnd(j + 1, "0123456789");
            }
            char e = charAt(j);
            if (j > i && (e == 'e' || e == 'E')) {
                int exponent = j + 1;
                if (charAt(exponent) == '+' || charAt(exponent) == '-') {
                    exponent++;
                }
                if (isDigit(charAt(exponent))) {
                    j = digitsEnd(exponent, "0123456789");
                }
            }
            return j;
        }

        private static String radixDigits(char marker) {
            switch (marker) {
                case 'x': case 'X': return "0123456789abcdefABCDEF";
                case 'o': case 'O': return "01234567";
                case 'b': case 'B': return "01";
                default: return null;
            }
        }

        /** The end of a run of {@code digits}, where a single {@code _} may separate two of them. */
        private int digitsEnd(int i, String digits) {
            int j = i;
            while (j < length) {
                char c = sql.charAt(j);
                if (digits.indexOf(c) >= 0) {
                    j++;
                } else if (c == '_' && j > i && digits.indexOf(charAt(j + 1)) >= 0) {
                    j += 2;
                } else {
                    break;
                }
            }
            return j;
        }

        /** A {@code $}: a parameter {@code $1}, a dollar-quoted string, or an operator character. */
        private int dollar(int i) {
            char next = charAt(i + 1);
            if (isDigit(next)) {
                int end = digitsEnd(i + 1, "0123456789");
                write(sql.substring(i, end), Kind.PARAMETER, false, true);
                return end;
            }
            int tagEnd = i + 1;
            if (next != '$') {
                if (!isWordStart(next)) {
                    return punctuation(i, '$');
                }
                while (tagEnd < length && isTagPart(sql.charAt(tagEnd))) {
                    tagEnd++;
                }
                if (charAt(tagEnd) != '$') {
                    return punctuation(i, '$');
                }
            }
            String delimiter = sql.substring(i, tagEnd + 1);
            int close = sql.indexOf(delimiter, tagEnd + 1);
            return literal(close < 0 ? length : close + delimiter.length());
        }

        /** Writes the literal that ends at {@code end} as a placeholder. */
        private int literal(int end) {
            write("?", Kind.PLACEHOLDER, false, false);
            return end;
        }

        // ---- names and words

        /** A {@code "quoted"} or {@code `quoted`} name, kept exactly; a doubled quote is a quote inside. */
        private int quotedName(int i, char quote) {
            int j = i + 1;
            while (j < length) {
                int close = sql.indexOf(quote, j);
                if (close < 0) {
                    break;
                }
                if (charAt(close + 1) != quote) {
                    write(sql.substring(i, close + 1), Kind.QUOTED_NAME, false, true);
                    return close + 1;
                }
                j = close + 2;
            }
            // never closed: what follows may be values, so none of it is kept
            return literal(length);
        }

        /** An unquoted word, or the prefix of a prefixed string such as {@code E'...'} or {@code U&'...'}. */
        private int word(int i) {
            int end = i + 1;
            while (end < length && isWordPart(sql.charAt(end))) {
                end++;
            }
            if (end == i + 1) {
                char prefix = Character.toLowerCase(sql.charAt(i));
                if (charAt(end) == '\'') {
                    if (prefix == 'e') {
                        return literal(escapeStringEnd(end));
                    }
                    if (prefix == 'b' || prefix == 'x' || prefix == 'n') {
                        return literal(standardStringEnd(end));
                    }
                }
                if (prefix == 'u' && charAt(end) == '&' && charAt(end + 1) == '\'') {
                    return literal(standardStringEnd(end + 1));
                }
            }
            String word = asciiLowerCase(sql.substring(i, end));
            write(word, Kind.WORD, KEYWORDS_BEFORE_VALUE.contains(word), true);
            return end;
        }

        /**
         * Only ASCII letters are folded, as PostgreSQL does for UTF-8 databases, where {@code Ä} and
         * {@code ä} name different things. This also keeps the result independent of the JVM's locale.
         */
        private static String asciiLowerCase(String word) {
            char[] chars = word.toCharArray();
            for (int k = 0; k < chars.length; k++) {
                if (chars[k] >= 'A' && chars[k] <= 'Z') {
                    chars[k] += 'a' - 'A';
                }
            }
            return new String(chars);
        }

        // ---- punctuation and operators

        private int punctuation(int i, char c) {
            switch (c) {
                case '(':
                    openGroup();
                    break;
                case ')':
                    closeGroup();
                    break;
                case ',':
                    write(",", Kind.COMMA, true, false);
                    break;
                case '?':
                    write("?", Kind.PLACEHOLDER, false, false);
                    break;
                default:
                    // after "." a ".5" is no number either: "1..10" is a range in PL/pgSQL
                    write(String.valueOf(c), Kind.OTHER, CHARS_BEFORE_VALUE.indexOf(c) >= 0, c == ']' || c == '.');
            }
            return i + 1;
        }

        private void openGroup() {
            int joinsRun = afterRunComma ? runEnd : -1;
            int start = write("(", Kind.OPEN, true, false);
            if (depth == MAX_TRACKED_DEPTH || untrackedDepth > 0) {
                untrackedDepth++;
                return;
            }
            groupStart[depth] = start;
            joinsRunAt[depth] = joinsRun;
            groupState[depth] = EXPECT_PLACEHOLDER;
            depth++;
        }

        private void closeGroup() {
            if (untrackedDepth > 0) {
                untrackedDepth--;
            } else if (depth > 0) {
                depth--;
                if (groupState[depth] == AFTER_PLACEHOLDER) {
                    collapseGroup();
                    return;
                }
            }
            write(")", Kind.CLOSE, false, true);
        }

        /** The innermost group, just closed, held only placeholders: it becomes (?+), or joins the run before it. */
        private void collapseGroup() {
            pendingSpace = false;
            if (joinsRunAt[depth] >= 0) {
                out.setLength(joinsRunAt[depth]);
            } else {
                out.setLength(groupStart[depth]);
                out.append("(?+)");
            }
            runEnd = out.length();
            afterRunComma = false;
            valueExpected = false;
            qualifierDot = true;
            // the group it sits in, if any, already stopped being a list when this one opened
        }

        // ---- output

        /**
         * Appends one token, with a single space before it if the input had whitespace there, and
         * returns where it starts in the output.
         */
        private int write(String token, Kind kind, boolean valueMayFollow, boolean dotQualifies) {
            if (pendingSpace && out.length() > 0) {
                out.append(' ');
            }
            pendingSpace = false;
            int start = out.length();
            out.append(token);
            noteInGroup(kind);
            noteInRun(kind);
            valueExpected = valueMayFollow;
            qualifierDot = dotQualifies;
            return start;
        }

        /**
         * Follows whether a comma has just come after a collapsed group, so that a group opening
         * next may join its run. Any other token ends the run.
         */
        private void noteInRun(Kind kind) {
            if (kind == Kind.COMMA && runEnd >= 0 && !afterRunComma) {
                afterRunComma = true;
            } else {
                runEnd = -1;
                afterRunComma = false;
            }
        }

        /** Follows whether the innermost open group is still a comma-separated list of placeholders. */
        private void noteInGroup(Kind kind) {
            if (depth == 0) {
                return;
            }
            int top = depth - 1;
            if (groupState[top] == EXPECT_PLACEHOLDER && kind == Kind.PLACEHOLDER) {
                groupState[top] = AFTER_PLACEHOLDER;
            } else if (groupState[top] == AFTER_PLACEHOLDER && kind == Kind.COMMA) {
                groupState[top] = EXPECT_PLACEHOLDER;
            } else {
                groupState[top] = NOT_A_LIST;
            }
        }

        private String withoutTrailingSemicolons() {
            int end = out.length();
            while (end > 0 && (out.charAt(end - 1) == ';' || out.charAt(end - 1) == ' ')) {
                end--;
            }
            out.setLength(end);
            return out.toString();
        }

        private static String capped(String text) {
            if (text.length() <= MAX_LENGTH) {
                return text;
            }
            int cut = MAX_LENGTH;
            if (Character.isHighSurrogate(text.charAt(cut - 1))) {
                cut--; // never leave half of a character behind
            }
            return text.substring(0, cut) + "…";
        }

        // ---- characters

        private char charAt(int i) {
            return i < length ? sql.charAt(i) : '\0';
        }

        private static boolean isSpace(char c) {
            return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u000B'
                    || (c >= 0x80 && (Character.isSpaceChar(c) || c == '\uFEFF'));
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        /** As in PostgreSQL, any non-ASCII character may be part of a name. */
        private static boolean isWordStart(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (c >= 0x80 && !isSpace(c));
        }

        private static boolean isWordPart(char c) {
            return isWordStart(c) || isDigit(c) || c == '$';
        }

        private static boolean isTagPart(char c) {
            return isWordStart(c) || isDigit(c);
        }
    }
}
