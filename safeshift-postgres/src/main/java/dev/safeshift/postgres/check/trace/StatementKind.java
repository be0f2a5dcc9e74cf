package dev.safeshift.postgres.check.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The few kinds of statement the tracer must not run as it runs the others, told by their key
 * words alone (this is no parser: it reads words outside comments, literals and quoted names).
 * <ul>
 *   <li>Transaction control (BEGIN, COMMIT, SAVEPOINT, ...) would end or nest the transaction the
 *       tracer wraps around each statement, so the rollback would undo nothing or too much.</li>
 *   <li>Statements on roles, databases, tablespaces, server settings and subscriptions act on the
 *       whole scratch server, which may serve others (or even be the source's server): applying them
 *       there is not the tracer's to do. A GRANT or REVOKE without ON grants roles, which are
 *       server-wide too.</li>
 * </ul>
 */
final class StatementKind {

    private static final Set<String> TRANSACTION_CONTROL = Set.of("BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT",
            "SAVEPOINT", "RELEASE");
    private static final Set<String> SERVER_OBJECTS = Set.of("ROLE", "USER", "GROUP", "DATABASE", "TABLESPACE",
            "SUBSCRIPTION", "SYSTEM");

    private StatementKind() {
    }

    /** Why the tracer must not run {@code sql}, or empty when it may. */
    static Optional<String> refusal(String sql) {
        List<String> words = words(sql);
        if (words.isEmpty()) {
            return Optional.empty();
        }
        String first = words.get(0);
        String second = words.size() > 1 ? words.get(1) : "";
        String third = words.size() > 2 ? words.get(2) : "";
        if (TRANSACTION_CONTROL.contains(first) || (first.equals("PREPARE") && second.equals("TRANSACTION"))) {
            return Optional.of("it is transaction control, and the tracer runs each statement in a transaction of its own "
                    + "that it rolls back; it was not run");
        }
        boolean serverObject = Set.of("CREATE", "ALTER", "DROP").contains(first) && SERVER_OBJECTS.contains(second)
                && !(second.equals("USER") && third.equals("MAPPING"));
        boolean roleGrant = (first.equals("GRANT") || first.equals("REVOKE")) && !words.contains("ON");
        boolean ownedObjects = (first.equals("REASSIGN") || first.equals("DROP")) && second.equals("OWNED");
        if (serverObject || roleGrant || ownedObjects) {
            return Optional.of("it changes the whole scratch server (roles, databases, tablespaces, server settings or "
                    + "subscriptions), not only the scratch database; it was not run");
        }
        return Optional.empty();
    }

    /** The upper-cased words of {@code sql} outside comments, string literals and quoted names. */
    static List<String> words(String sql) {
        List<String> words = new ArrayList<>();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                i = skipBlockComment(sql, i);
            } else if (c == '\'' || c == '"') {
                i = skipQuoted(sql, i, c);
            } else if (c == '$' && dollarTag(sql, i) != null) {
                String tag = dollarTag(sql, i);
                int end = sql.indexOf(tag, i + tag.length());
                i = end < 0 ? n : end + tag.length();
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_' || sql.charAt(i) == '$')) {
                    i++;
                }
                words.add(sql.substring(start, i).toUpperCase(Locale.ROOT));
            } else {
                i++;
            }
        }
        return words;
    }

    /** Block comments nest in PostgreSQL. */
    private static int skipBlockComment(String sql, int start) {
        int depth = 0;
        int i = start;
        while (i < sql.length()) {
            if (sql.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (sql.startsWith("*/", i)) {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return i;
    }

    /** A quote inside is written twice; a backslash escape in E'' strings is skipped along. */
    private static int skipQuoted(String sql, int start, char quote) {
        boolean escapes = quote == '\'' && start > 0 && (sql.charAt(start - 1) == 'E' || sql.charAt(start - 1) == 'e');
        int i = start + 1;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (escapes && c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return i;
    }

    /** {@code $tag$} starting at {@code i}, or null when the dollar sign starts no such quote. */
    private static String dollarTag(String sql, int i) {
        int j = i + 1;
        while (j < sql.length() && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) {
            j++;
        }
        if (j < sql.length() && sql.charAt(j) == '$' && (j == i + 1 || !Character.isDigit(sql.charAt(i + 1)))) {
            return sql.substring(i, j + 1);
        }
        return null;
    }
}
