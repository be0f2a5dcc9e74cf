package dev.safeshift.plan;

import dev.safeshift.SafeshiftException;
import java.nio.file.Path;
import java.util.Optional;
import org.yaml.snakeyaml.error.Mark;

/**
 * A problem in a plan file, pointing at the place to fix it. The message reads like a compiler's:
 * {@code plan.yaml:12:3: unknown field 'rows-per-chunck' in 'copy'. Did you mean 'rows-per-chunk'? ...}
 * and never contains a secret.
 */
public final class PlanException extends SafeshiftException {

    private final Path file;
    private final int line;
    private final int column;
    private final String field;
    private final String detail;
    private final String expected;
    private final String suggestion;

    /**
     * @param line       1-based line, or 0 when the problem concerns the whole file
     * @param column     1-based column, or 0 when the problem concerns the whole file
     * @param field      the field path, such as {@code tables[1].source}; empty for the whole file
     * @param detail     the message after the location: what is wrong and what to do
     * @param expected   what a valid value looks like, or null
     * @param suggestion the value the user probably meant, or null
     */
    public PlanException(Path file, int line, int column, String field, String detail, String expected,
                         String suggestion) {
        super(Kind.BAD_PLAN, location(file, line, column) + ": " + detail);
        this.file = file;
        this.line = line;
        this.column = column;
        this.field = field;
        this.detail = detail;
        this.expected = expected;
        this.suggestion = suggestion;
    }

    /** A problem at a place in the file; SnakeYAML marks count from 0, people count from 1. */
    static PlanException at(Path file, Mark mark, String field, String detail, String expected, String suggestion) {
        int line = mark == null ? 1 : mark.getLine() + 1;
        int column = mark == null ? 1 : mark.getColumn() + 1;
        return new PlanException(file, line, column, field, detail, expected, suggestion);
    }

    /** A problem with the file as a whole, such as a file that cannot be read. */
    static PlanException ofFile(Path file, String detail) {
        return new PlanException(file, 0, 0, "", detail, null, null);
    }

    /** Plans built in code have no file; their messages start with "plan". */
    private static String location(Path file, int line, int column) {
        if (file == null) {
            return "plan";
        }
        return line > 0 ? file + ":" + line + ":" + column : String.valueOf(file);
    }

    public Path file() {
        return file;
    }

    /** 1-based line of the problem, or 0 when it concerns the whole file. */
    public int line() {
        return line;
    }

    /** 1-based column of the problem, or 0 when it concerns the whole file. */
    public int column() {
        return column;
    }

    /** The field path, such as {@code copy.rows-per-chunk} or {@code tables[1].source}. */
    public String field() {
        return field;
    }

    /** The message without the file and position. */
    public String detail() {
        return detail;
    }

    /** What a valid value looks like, such as "an integer between 1 and 64". */
    public Optional<String> expected() {
        return Optional.ofNullable(expected);
    }

    /** What the user probably meant, such as the known field closest to a misspelled one. */
    public Optional<String> suggestion() {
        return Optional.ofNullable(suggestion);
    }
}
