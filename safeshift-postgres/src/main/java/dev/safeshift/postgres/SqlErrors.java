package dev.safeshift.postgres;

import dev.safeshift.LogValues;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Messages about failed statements that never carry row values (rows are customer data) unless
 * the user asked for them ({@link LogValues}).
 *
 * <p>A message is built from the server's error fields: the SQLSTATE, the table, column and
 * constraint it names, and the server's message with the values it quotes replaced by {@code "…"}
 * (an invalid input quotes the value, a unique violation only the constraint's name). The detail
 * line ({@code Key (id)=(42) already exists.}) is added only when values were asked for. The driver
 * itself is configured not to put parameters and detail lines into its exceptions
 * ({@code org/postgresql/driverconfig.properties}), but its message still has the server's message,
 * so exceptions are also {@link #redact redacted} before anything logs or wraps them.
 */
public final class SqlErrors {

    /** A message that ends in a quoted value, which may itself contain quotes. */
    private static final Pattern TRAILING_VALUE = Pattern.compile("^(.*?: )\"(.*)\"$", Pattern.DOTALL);
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");
    private static final String MASK = "\"…\"";

    private SqlErrors() {
    }

    /** What went wrong, from the server's fields; row values only when they were asked for. */
    public static String describe(SQLException failure) {
        ServerErrorMessage server = serverError(failure);
        if (server == null) {
            String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
            int newline = message.indexOf('\n');
            String line = newline < 0 ? message : message.substring(0, newline);
            boolean stateShown = failure.getSQLState() == null || line.contains(failure.getSQLState());
            return line + (stateShown ? "" : " (SQLSTATE " + failure.getSQLState() + ")");
        }
        StringBuilder out = new StringBuilder(server.getMessage() == null ? "" : message(server));
        out.append(" (SQLSTATE ").append(server.getSQLState());
        if (server.getTable() != null) {
            out.append(", table ").append(server.getSchema() == null ? "" : server.getSchema() + ".").append(server.getTable());
        }
        if (server.getColumn() != null) {
            out.append(", column ").append(server.getColumn());
        }
        if (server.getConstraint() != null) {
            out.append(", constraint ").append(server.getConstraint());
        }
        out.append(')');
        if (LogValues.enabled()) {
            if (server.getDetail() != null) {
                out.append(" Detail: ").append(server.getDetail());
            }
            if (server.getWhere() != null) {
                out.append(" Where: ").append(server.getWhere());
            }
        }
        return out.toString();
    }

    /**
     * {@code failure} fit to be logged or kept as a cause: every SQL exception in its chain is
     * replaced by one with the {@link #describe described} message, the same SQLSTATE and stack,
     * so that retries still recognise a lost connection. Unchanged when values were asked for.
     */
    public static Throwable redact(Throwable failure) {
        if (failure == null || LogValues.enabled()) {
            return failure;
        }
        if (failure instanceof RedactedSqlException) {
            return failure;
        }
        Throwable cause = failure.getCause() == failure ? null : redact(failure.getCause());
        if (failure instanceof SQLException sql) {
            RedactedSqlException copy = new RedactedSqlException(describe(sql), sql.getSQLState(), cause);
            copy.setStackTrace(sql.getStackTrace());
            return copy;
        }
        if (cause == failure.getCause()) {
            return failure;
        }
        // A wrapper made with new X(cause) repeats the cause's message as its own.
        String message = failure.getCause() != null && failure.getCause().toString().equals(failure.getMessage())
                ? cause.toString() : failure.getMessage();
        RedactedException copy = new RedactedException(failure.getClass().getName() + ": " + message, cause);
        copy.setStackTrace(failure.getStackTrace());
        return copy;
    }

    private static String message(ServerErrorMessage server) {
        String message = server.getMessage();
        if (LogValues.enabled()) {
            return message;
        }
        String state = server.getSQLState() == null ? "" : server.getSQLState();
        if (state.equals("P0001") || state.equals("P0004")) {
            // RAISE and ASSERT messages are whatever a function made of the row
            return "a function or trigger raised an error (its message can hold row values; --log-values shows it)";
        }
        boolean quotesValues = state.isEmpty() || state.startsWith("22") || state.startsWith("23")
                || state.startsWith("P0") || state.startsWith("2F") || state.startsWith("XX");
        if (!quotesValues) {
            return message;
        }
        Set<String> names = new HashSet<>();
        for (String name : new String[] {server.getSchema(), server.getTable(), server.getColumn(),
                server.getConstraint(), server.getDatatype()}) {
            if (name != null) {
                names.add(name);
            }
        }
        Matcher trailing = TRAILING_VALUE.matcher(message);
        if (trailing.matches() && !names.contains(trailing.group(2))) {
            message = trailing.group(1) + MASK;
        }
        Matcher quoted = QUOTED.matcher(message);
        StringBuilder out = new StringBuilder();
        while (quoted.find()) {
            quoted.appendReplacement(out, Matcher.quoteReplacement(
                    names.contains(quoted.group(1)) || quoted.group(0).equals(MASK) ? quoted.group(0) : MASK));
        }
        quoted.appendTail(out);
        return out.toString();
    }

    /** The server's error behind {@code failure}: itself, the next exception of a batch, or a cause. */
    private static ServerErrorMessage serverError(SQLException failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
                return psql.getServerErrorMessage();
            }
            if (t instanceof BatchUpdateException batch) {
                for (SQLException next = batch.getNextException(); next != null; next = next.getNextException()) {
                    if (next instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
                        return psql.getServerErrorMessage();
                    }
                }
            }
        }
        return null;
    }

    /** An SQL exception whose message was built by {@link #describe}. */
    public static final class RedactedSqlException extends SQLException {
        RedactedSqlException(String message, String sqlState, Throwable cause) {
            super(message, sqlState, cause);
        }
    }

    /** Any other exception of a chain, re-made around a redacted cause. */
    static final class RedactedException extends RuntimeException {
        RedactedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
