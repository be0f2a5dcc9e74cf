package dev.safeshift;

/**
 * A failure the user can act on. Its message says what happened, why, and what to do next;
 * the command line prints it without a stack trace and exits with {@link #exitCode()}.
 */
public class SafeshiftException extends RuntimeException {

    /** Exit codes are part of the command-line contract; scripts may branch on them. */
    public enum Kind {
        BAD_PLAN(2),
        UNREACHABLE(3),
        SOURCE_NOT_READY(4),
        UNSUPPORTED_TABLE(5),
        TARGET_CONFLICT(6),
        IN_USE(7),
        STATE(8),
        /** A source table's columns changed while streaming in a way that needs the user's action. */
        SCHEMA_CHANGED(9),
        INTERNAL(1);

        private final int exitCode;

        Kind(int exitCode) {
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    private final Kind kind;

    public SafeshiftException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public SafeshiftException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public int exitCode() {
        return kind.exitCode();
    }
}
