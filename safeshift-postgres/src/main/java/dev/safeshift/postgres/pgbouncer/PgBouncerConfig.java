package dev.safeshift.postgres.pgbouncer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One database entry of a PgBouncer configuration file, read and rewritten. Only the values of
 * {@code host}, {@code port} and {@code dbname} in that entry's line change (added at its end when
 * missing); every other byte of the file stays as it was. The file is read and written as
 * ISO-8859-1, which maps each byte to one character and back, so text in any encoding survives.
 */
final class PgBouncerConfig {

    private static final Pattern SECTION = Pattern.compile("^\\s*\\[\\s*([^\\]]*?)\\s*\\]\\s*$");
    private static final Pattern ENTRY = Pattern.compile("^\\s*([^=\\s;#]+)\\s*=\\s*");
    /** A libpq-style pair: key = value, the value plain or in single quotes with \ escapes. */
    private static final Pattern PAIR = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*('(?:[^'\\\\]|\\\\.)*'|[^\\s']*)");
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_.:\\-/]+");

    private PgBouncerConfig() {
    }

    /** Where an entry points: each value as written, unquoted; a key that is not written is absent. */
    record Entry(Map<String, String> values) {

        Optional<String> get(String key) {
            return Optional.ofNullable(values.get(key));
        }
    }

    /** The entry called {@code database} in the {@code [databases]} section of this text, if there is one. */
    static Optional<Entry> find(String text, String database) {
        return locate(text, database).map(line -> new Entry(pairs(line.value(text))));
    }

    /** The entry of {@code database} in the file, if the file has one. */
    static Optional<Entry> read(Path file, String database) throws IOException {
        return find(Files.readString(file, StandardCharsets.ISO_8859_1), database);
    }

    /**
     * The text with the entry's host, port and dbname set to these values.
     *
     * @throws IllegalArgumentException when the text has no such entry
     */
    static String rewrite(String text, String database, String host, int port, String dbname) {
        Line line = locate(text, database).orElseThrow(() -> new IllegalArgumentException(
                "no entry " + database + " in the [databases] section"));
        String value = line.value(text);
        Map<String, String> wanted = new LinkedHashMap<>();
        wanted.put("host", host);
        wanted.put("port", Integer.toString(port));
        wanted.put("dbname", dbname);
        StringBuilder out = new StringBuilder();
        Matcher pair = PAIR.matcher(value);
        int copied = 0;
        while (pair.find()) {
            String key = pair.group(1).toLowerCase(Locale.ROOT);
            if (wanted.containsKey(key)) {
                out.append(value, copied, pair.start(2)).append(quote(wanted.remove(key)));
                copied = pair.end(2);
            }
        }
        out.append(value, copied, value.length());
        String body = out.toString();
        int trailing = body.length();
        while (trailing > 0 && Character.isWhitespace(body.charAt(trailing - 1))) {
            trailing--;
        }
        StringBuilder added = new StringBuilder(body.substring(0, trailing));
        wanted.forEach((key, wantedValue) -> added.append(added.isEmpty() ? "" : " ").append(key).append('=')
                .append(quote(wantedValue)));
        added.append(body, trailing, body.length());
        return text.substring(0, line.valueStart()) + added + text.substring(line.end());
    }

    /**
     * Points the entry in the file at these values: the new text is written next to the file and
     * renamed over it, so PgBouncer reads either the old file or the new one. Returns whether the
     * file changed (it is left alone when it already says so).
     */
    static boolean write(Path file, String database, String host, int port, String dbname) throws IOException {
        String text = Files.readString(file, StandardCharsets.ISO_8859_1);
        String rewritten = rewrite(text, database, host, port, dbname);
        if (rewritten.equals(text)) {
            return false;
        }
        Path real = file.toRealPath();
        Path temporary = Files.createTempFile(real.getParent(), "." + real.getFileName() + ".", ".safeshift");
        try {
            Files.writeString(temporary, rewritten, StandardCharsets.ISO_8859_1);
            PosixFileAttributeView posix = Files.getFileAttributeView(real, PosixFileAttributeView.class);
            if (posix != null) {
                Set<PosixFilePermission> permissions = posix.readAttributes().permissions();
                Files.setPosixFilePermissions(temporary, permissions);
            }
            try {
                Files.move(temporary, real, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, real, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
        return true;
    }

    /** Where the entry's line is: its value runs from {@code valueStart} to {@code end}, before the line break. */
    private record Line(int valueStart, int end) {

        String value(String text) {
            return text.substring(valueStart, end);
        }
    }

    private static Optional<Line> locate(String text, String database) {
        boolean inDatabases = false;
        int start = 0;
        while (start < text.length()) {
            int end = start;
            while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
                end++;
            }
            String line = text.substring(start, end);
            Matcher section = SECTION.matcher(line);
            if (section.matches()) {
                inDatabases = section.group(1).equalsIgnoreCase("databases");
            } else if (inDatabases) {
                Matcher entry = ENTRY.matcher(line);
                if (entry.lookingAt() && entry.group(1).equals(database)) {
                    return Optional.of(new Line(start + entry.end(), end));
                }
            }
            start = end;
            while (start < text.length() && (text.charAt(start) == '\n' || text.charAt(start) == '\r')) {
                start++;
            }
        }
        return Optional.empty();
    }

    private static Map<String, String> pairs(String value) {
        Map<String, String> values = new LinkedHashMap<>();
        Matcher pair = PAIR.matcher(value);
        while (pair.find()) {
            values.put(pair.group(1).toLowerCase(Locale.ROOT), unquote(pair.group(2)));
        }
        return values;
    }

    private static String unquote(String value) {
        if (!value.startsWith("'")) {
            return value;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 1; i < value.length() - 1; i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length() - 1) {
                c = value.charAt(++i);
            }
            out.append(c);
        }
        return out.toString();
    }

    private static String quote(String value) {
        if (PLAIN.matcher(value).matches()) {
            return value;
        }
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
