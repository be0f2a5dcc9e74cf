package dev.safeshift.postgres.stream;

import dev.safeshift.SafeshiftException;
import dev.safeshift.postgres.Sql;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.postgresql.replication.LogSequenceNumber;

/**
 * Watermarks in the source's log: a transactional logical decoding message whose content is the
 * capture's name. Its transaction is decoded in commit order with every other one, so once the
 * stream has applied it, everything committed before the mark was written is in the target.
 */
public final class SourceLogMarks {

    /** Prefix of the messages; the connector is told to pass on only messages with this prefix. */
    static final String PREFIX = "safeshift";

    private static final String INSUFFICIENT_PRIVILEGE = "42501";
    private static final String UNDEFINED_TABLE = "42P01";

    private SourceLogMarks() {
    }

    /**
     * Writes a mark for {@code captureName} (in a transaction of its own on an auto-commit
     * connection) and returns its position, the end of the message's log record. Transactions
     * committed before this call end before it; the mark's own commit (and so the applied position
     * it leads to) lies at or after it.
     *
     * <p>PostgreSQL grants EXECUTE on {@code pg_logical_emit_message} to PUBLIC and checks no role
     * attribute, so any source role can write marks unless an administrator revoked that grant.
     */
    public static String write(Connection source, String captureName) throws SQLException {
        if (source.getMetaData().getDatabaseMajorVersion() < 14) {
            // Older pgoutput cannot send messages: the mark would never arrive, and a caller
            // waiting for it would wait for ever.
            throw new SafeshiftException(SafeshiftException.Kind.SOURCE_NOT_READY,
                    "the source runs PostgreSQL " + source.getMetaData().getDatabaseProductVersion()
                            + ", but marking its log for verification needs PostgreSQL 14 or later, whose pgoutput "
                            + "plugin passes logical decoding messages on to the change stream.");
        }
        // The bytea variant carries the name's bytes unchanged whatever the database encoding.
        try (PreparedStatement statement = source.prepareStatement(
                "SELECT pg_logical_emit_message(true, ?, ?)::text")) {
            statement.setString(1, PREFIX);
            statement.setBytes(2, content(captureName));
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        } catch (SQLException e) {
            if (INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                String role = currentUser(source).orElse("<source user>");
                throw new SafeshiftException(SafeshiftException.Kind.SOURCE_NOT_READY,
                        "the source user " + role + " may not write messages into the source's log, which "
                                + "verification needs to know when the change stream has caught up. Grant it with "
                                + "GRANT EXECUTE ON FUNCTION pg_logical_emit_message(boolean, text, bytea) TO "
                                + Sql.ident(role) + "; (" + e.getMessage() + ")", e);
            }
            throw e;
        }
    }

    /**
     * Whether the target holds the capture's changes up to {@code position}: its applied commit
     * position is at or past it. False before the stream has committed anything for the capture.
     */
    public static boolean applied(Connection target, String captureName, String position) throws SQLException {
        LogSequenceNumber mark = LogSequenceNumber.valueOf(position == null ? "" : position);
        if (mark.equals(LogSequenceNumber.INVALID_LSN)) {
            throw new SafeshiftException(SafeshiftException.Kind.INTERNAL, "not a source log position from a mark: " + position);
        }
        try {
            return AppliedPositionTable.read(target, captureName)
                    .map(applied -> LogSequenceNumber.valueOf(applied.commitLsn()).compareTo(mark) >= 0)
                    .orElse(false);
        } catch (SQLException e) {
            if (UNDEFINED_TABLE.equals(e.getSQLState())) {
                return false; // no stream has run against this target yet
            }
            throw e;
        }
    }

    /** The message content that names {@code captureName}. */
    static byte[] content(String captureName) {
        return captureName.getBytes(StandardCharsets.UTF_8);
    }

    private static Optional<String> currentUser(Connection connection) {
        try (PreparedStatement statement = connection.prepareStatement("SELECT current_user");
             ResultSet rows = statement.executeQuery()) {
            return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
        } catch (SQLException ignored) {
            return Optional.empty(); // the advice still says what to grant
        }
    }
}
