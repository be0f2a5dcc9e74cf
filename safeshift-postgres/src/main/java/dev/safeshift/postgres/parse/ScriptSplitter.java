package dev.safeshift.postgres.parse;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.core.NativeQuery;
import org.postgresql.core.Parser;

/**
 * Splits a script into statements with the PostgreSQL JDBC driver's lexer, which knows quoted
 * names, string constants in every form, dollar quoting and nested comments: the same split the
 * driver makes when the script is sent to a server. Each piece is then parsed by the server
 * alone, so a piece the lexer got wrong shows up as a syntax error, never as a silent skip.
 */
final class ScriptSplitter {

    /** One statement's text and where it starts in the script. */
    record Piece(String sql, int line) {
    }

    private ScriptSplitter() {
    }

    static List<Piece> split(String script, int firstLine) {
        List<NativeQuery> queries;
        try {
            queries = Parser.parseJdbcSql(script, true, false, true, false, false);
        } catch (SQLException e) {
            throw new IllegalStateException("the script could not be split into statements: " + e.getMessage(), e);
        }
        List<Piece> pieces = new ArrayList<>();
        int cursor = 0;
        for (NativeQuery query : queries) {
            String raw = query.nativeSql;
            int start = script.indexOf(raw, cursor);
            if (start < 0) {
                // The lexer returns pieces verbatim; if one cannot be found, lines would be wrong.
                throw new IllegalStateException("the script could not be split into statements: a piece is not "
                        + "found verbatim in it");
            }
            cursor = start + raw.length();
            String trimmed = raw.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            int offset = start + raw.indexOf(trimmed);
            pieces.add(new Piece(trimmed, firstLine + countLines(script, offset)));
        }
        return pieces;
    }

    /**
     * Whether {@code piece} holds nothing but blank space and comments ({@code --} to the end of a
     * line, and {@code /* ... *}{@code /}, which nest in PostgreSQL). Any other character, a quote
     * included, makes it a statement.
     */
    static boolean onlyComments(String piece) {
        int i = 0;
        while (i < piece.length()) {
            if (Character.isWhitespace(piece.charAt(i))) {
                i++;
            } else if (piece.startsWith("--", i)) {
                int end = piece.indexOf('\n', i);
                i = end < 0 ? piece.length() : end + 1;
            } else if (piece.startsWith("/*", i)) {
                int depth = 0;
                do {
                    if (piece.startsWith("/*", i)) {
                        depth++;
                        i += 2;
                    } else if (piece.startsWith("*/", i)) {
                        depth--;
                        i += 2;
                    } else {
                        i++;
                    }
                } while (depth > 0 && i < piece.length());
            } else {
                return false;
            }
        }
        return true;
    }

    private static int countLines(String text, int end) {
        int lines = 0;
        for (int i = 0; i < end; i++) {
            if (text.charAt(i) == '\n') {
                lines++;
            }
        }
        return lines;
    }
}
