package dev.safeshift.postgres.stream;

import dev.safeshift.OutOfMemory;
import dev.safeshift.SafeshiftException;
import dev.safeshift.SafeshiftException.Kind;
import dev.safeshift.jdbc.ConnectionLoss;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.postgres.SqlErrors;
import java.sql.SQLException;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns whatever stopped the stream into a message that says what happened and what to do. */
final class StreamFailures {

    private static final Pattern SERVER_AWAY = Pattern.compile("the database system is (shutting down|starting up"
            + "|in recovery mode|not yet accepting connections)|terminating connection due to administrator command"
            + "|Connection refused|Connection reset|An I/O error occurred|The connection attempt failed");
    private static final Pattern CASE_DUPLICATES = Pattern.compile(
            "Table '(.*)' has columns that differ only by case\\. Column name: '(.*?)'\\.");
    private static final Pattern SLOT_ACTIVE = Pattern.compile("replication slot \"([^\"]*)\" is active for PID (\\d+)");

    private StreamFailures() {
    }

    static SafeshiftException describe(Throwable error, String captureName, Endpoint source, Endpoint target) {
        var outOfMemory = OutOfMemory.find(error);
        if (outOfMemory.isPresent()) {
            return OutOfMemory.describe(outOfMemory.get(), "streaming changes (change stream " + captureName + ")");
        }
        Throwable root = error instanceof ExecutionException && error.getCause() != null ? error.getCause() : error;
        for (Throwable t = root; t != null; t = t.getCause()) {
            if (t instanceof SafeshiftException known) {
                return known;
            }
            Matcher sameName = t.getMessage() == null ? null : CASE_DUPLICATES.matcher(t.getMessage());
            if (sameName != null && sameName.find()) {
                return new SafeshiftException(Kind.UNSUPPORTED_TABLE, "The change stream " + captureName + " cannot "
                        + "follow the source table " + sameName.group(1) + ": its column " + sameName.group(2)
                        + " has the name of another column but for case (a column added while streaming?), and the "
                        + "change stream (Debezium's pgoutput decoder) cannot tell such columns apart. Rename one of "
                        + "them on the source, then run again; nothing after the last applied change is lost.", root);
            }
            Matcher active = t.getMessage() == null ? null : SLOT_ACTIVE.matcher(t.getMessage());
            if (active != null && active.find()) {
                return CaptureCheck.slotInUse(active.group(1), source, " (server process " + active.group(2) + ")");
            }
            if (t instanceof ValueConverter.UnsupportedValueException) {
                return new SafeshiftException(Kind.UNSUPPORTED_TABLE, "The change stream " + captureName
                        + " met a value it cannot copy exactly: " + t.getMessage()
                        + ". Leave that column out of the move or change its type, then start the stream again.", root);
            }
        }
        SQLException sql = firstSql(root);
        boolean connectionLost = ConnectionLoss.isLoss(root) || saysServerIsAway(root);
        if (applyFailed(root) && !connectionLost) {
            String reason = sql != null ? SqlErrors.describe(sql) : rootCause(root).getMessage();
            return new SafeshiftException(Kind.TARGET_CONFLICT, "The change stream " + captureName
                    + " could not apply changes to the target " + target.redactedUrl() + ": " + reason
                    + ". The target keeps everything up to the last committed source transaction; "
                    + "fix the cause and start the stream again to continue from there.", root);
        }
        if (connectionLost) {
            return new SafeshiftException(Kind.UNREACHABLE, "The change stream " + captureName
                    + " lost its database connection: " + (sql != null ? SqlErrors.describe(sql) : rootCause(root).getMessage())
                    + ". Check that the databases are reachable, then start the stream again; "
                    + "it resumes where the target stopped.", root);
        }
        return new SafeshiftException(Kind.INTERNAL, "The change stream " + captureName + " stopped: "
                + root.getMessage() + ". Start it again to resume where the target stopped; "
                + "the log file has the details.", root);
    }

    /**
     * Debezium passes some failures on as text only (a configuration check that could not connect
     * keeps the server's message, not the exception): the server's own words for being away are
     * recognised in it.
     */
    private static boolean saysServerIsAway(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage();
            if (message != null && SERVER_AWAY.matcher(message).find()) {
                return true;
            }
        }
        return false;
    }

    private static Throwable rootCause(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static boolean applyFailed(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof BatchApplier.ApplyException) {
                return true;
            }
        }
        return false;
    }

    private static SQLException firstSql(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql;
            }
        }
        return null;
    }
}
