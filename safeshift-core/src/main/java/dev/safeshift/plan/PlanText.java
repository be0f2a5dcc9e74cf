package dev.safeshift.plan;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;

/**
 * Reads a plan file's text, and refuses anything that is not a plan-sized UTF-8 text file before
 * YAML sees it: a pipe or a device (which could block or never end), a file over {@link #MAX_BYTES},
 * bytes that are not UTF-8, characters YAML forbids, and lines over {@link #MAX_LINE_LENGTH}.
 */
final class PlanText {

    /** A plan holds names, URLs and settings: a few kilobytes. This is far above that and still quick to read. */
    static final int MAX_BYTES = 3 * 1024 * 1024;
    /**
     * The YAML reader copies the text it holds each time it reads more, so one long value costs time
     * that grows with the square of its length (seconds for a few megabytes). Bounding lines bounds that.
     */
    static final int MAX_LINE_LENGTH = 65_536;

    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private PlanText() {
    }

    /** The file's text, without a byte order mark. */
    static String read(Path file) {
        BasicFileAttributes attributes;
        try {
            // Follows a symbolic link: a link to a plan file is fine, the file it points to is checked.
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw PlanException.ofFile(file, "there is no plan file at " + file.toAbsolutePath()
                    + ". Check the path and the directory safeshift runs in.");
        } catch (AccessDeniedException e) {
            throw denied(file, e);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
        if (attributes.isDirectory()) {
            throw PlanException.ofFile(file, "this is a directory, not a plan file. Give the path of the plan's YAML file.");
        }
        if (!attributes.isRegularFile()) {
            // Opening a named pipe for reading waits for a writer, possibly for ever, so it is never opened.
            throw PlanException.ofFile(file, "this is " + kind(file) + ", not a plan file, so it is not read. "
                    + "Safeshift reads plans from regular files only: save the plan to a file and give its path.");
        }
        if (attributes.size() > MAX_BYTES) {
            throw tooLarge(file, String.format(Locale.ROOT, "%.1f MB", attributes.size() / (1024.0 * 1024.0)));
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = readAtMost(file, in);
        } catch (AccessDeniedException e) {
            throw denied(file, e);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
        return text(file, bytes);
    }

    /** Reads no further than the limit, so a file that grows while it is read cannot make the read endless. */
    static byte[] readAtMost(Path file, InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BYTES + 1);
        if (bytes.length > MAX_BYTES) {
            throw tooLarge(file, "more than " + MAX_BYTES / (1024 * 1024) + " MB");
        }
        return bytes;
    }

    /** Decodes {@code bytes} as UTF-8 (a byte order mark is dropped) and checks what YAML would trip over. */
    static String text(Path file, byte[] bytes) {
        String text;
        try {
            text = decode(bytes);
        } catch (NotUtf8 e) {
            throw PlanException.ofFile(file, "the file is " + e.getMessage() + ". Save it as UTF-8.");
        }
        checkCharacters(file, text);
        return text;
    }

    /**
     * Decodes {@code bytes} as UTF-8, without a byte order mark. Shared with the migration files of a
     * plan's {@code change}, which are held to the same encoding.
     *
     * @throws NotUtf8 saying what the bytes are instead, in words that follow "the file is"
     */
    static String decode(byte[] bytes) throws NotUtf8 {
        int start = startsWith(bytes, UTF8_BOM) ? UTF8_BOM.length : 0;
        if (start == 0) {
            refuseOtherByteOrderMarks(bytes);
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int bad = in.position();
            Position at = Position.after(new String(bytes, start, bad - start, StandardCharsets.UTF_8));
            throw new NotUtf8(String.format(Locale.ROOT, "not UTF-8 text (byte 0x%02X at line %d, column %d)",
                    bytes[bad] & 0xFF, at.line(), at.column()));
        }
        return out.flip().toString();
    }

    /** Bytes that are not UTF-8 text; the message says what they are, such as "not UTF-8 text (byte 0xFF ...)". */
    static final class NotUtf8 extends Exception {

        NotUtf8(String message) {
            super(message, null, false, false);
        }
    }

    /** Characters YAML does not allow anywhere (it reports them without a position), and overlong lines. */
    private static void checkCharacters(Path file, String text) {
        Position position = new Position(1, 1);
        int lineStart = 0;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (!yamlPrintable(c)) {
                throw new PlanException(file, position.line(), position.column(), "", String.format(Locale.ROOT,
                        "the file contains the control character U+%04X, which YAML does not allow. Remove it; "
                                + "to have it in a value, write it as an escape such as \\t inside double quotes.", c),
                        null, null);
            }
            if (i - lineStart > MAX_LINE_LENGTH) {
                throw new PlanException(file, position.line(), 1, "", String.format(Locale.ROOT,
                        "line %d is longer than %,d characters, which is more than a plan ever needs; a plan "
                                + "holds names, URLs and settings. Check that this is the plan file.",
                        position.line(), MAX_LINE_LENGTH), null, null);
            }
            int next = i + Character.charCount(c);
            position = position.next(c, next < text.length() ? text.charAt(next) : -1);
            if (position.column() == 1) {
                lineStart = next;
            }
            i = next;
        }
    }

    /** What SnakeYAML accepts in a stream: tab, line breaks, and printable Unicode outside the surrogates. */
    private static boolean yamlPrintable(int c) {
        return (c >= 0x20 && c <= 0x7E) || c == 0x9 || c == 0xA || c == 0xD || c == 0x85
                || (c >= 0xA0 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
    }

    private static void refuseOtherByteOrderMarks(byte[] bytes) throws NotUtf8 {
        String encoding = null;
        if (startsWith(bytes, new byte[] {0, 0, (byte) 0xFE, (byte) 0xFF})
                || startsWith(bytes, new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 0})) {
            encoding = "UTF-32";
        } else if (startsWith(bytes, new byte[] {(byte) 0xFE, (byte) 0xFF})
                || startsWith(bytes, new byte[] {(byte) 0xFF, (byte) 0xFE})) {
            encoding = "UTF-16";
        }
        if (encoding != null) {
            throw new NotUtf8(encoding + " text (it starts with a " + encoding + " byte order mark), not UTF-8");
        }
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** Names the kind of special file from its Unix mode where the platform tells it. */
    private static String kind(Path file) {
        try {
            int type = (Integer) Files.getAttribute(file, "unix:mode") & 0170000;
            return switch (type) {
                case 0010000 -> "a named pipe (FIFO)";
                case 0020000 -> "a character device";
                case 0060000 -> "a block device";
                case 0140000 -> "a socket";
                default -> "not a regular file";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return "not a regular file";
        }
    }

    private static PlanException tooLarge(Path file, String size) {
        return PlanException.ofFile(file, "the file is " + size + ", and a plan file is at most " + MAX_BYTES / (1024 * 1024)
                + " MB; a plan holds names, URLs and settings. Check that this is the plan file.");
    }

    private static PlanException denied(Path file, IOException cause) {
        PlanException error = PlanException.ofFile(file, "the plan file cannot be read: permission denied.");
        error.initCause(cause);
        return error;
    }

    private static PlanException unreadable(Path file, IOException cause) {
        PlanException error = PlanException.ofFile(file, "the plan file cannot be read: " + cause.getMessage() + ".");
        error.initCause(cause);
        return error;
    }

    /**
     * A 1-based line and column, counted the way the YAML reader counts them, so positions reported
     * here and by YAML agree: a column is a character (a code point), and a line ends at
     * {@code \n}, {@code \r\n}, a lone {@code \r}, U+0085, U+2028 or U+2029.
     */
    record Position(int line, int column) {

        /** The position after {@code c}, which is followed by {@code following} (-1 at the end). */
        Position next(int c, int following) {
            boolean lineBreak = c == '\n' || c == 0x85 || c == 0x2028 || c == 0x2029 || (c == '\r' && following != '\n');
            return lineBreak ? new Position(line + 1, 1) : new Position(line, column + 1);
        }

        /** The position of the character after {@code text}. */
        static Position after(String text) {
            Position position = new Position(1, 1);
            for (int i = 0; i < text.length(); ) {
                int c = text.codePointAt(i);
                int next = i + Character.charCount(c);
                position = position.next(c, next < text.length() ? text.charAt(next) : -1);
                i = next;
            }
            return position;
        }
    }
}
