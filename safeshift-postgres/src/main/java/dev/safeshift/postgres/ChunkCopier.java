package dev.safeshift.postgres;

import dev.safeshift.engine.ChunkMark;
import dev.safeshift.engine.ColumnInfo;
import dev.safeshift.engine.KeyRange;
import dev.safeshift.engine.TableMove;
import dev.safeshift.jdbc.Connections;
import dev.safeshift.plan.Endpoint;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.LongConsumer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;

/**
 * Copies one key range with PostgreSQL's COPY, piped from the source straight into the target
 * without decoding rows: in binary format, or in text format for tables whose binary values would
 * embed type ids that differ between the databases (arrays and composites of user-defined types).
 * The rows and the chunk's mark ({@link CopiedChunks}) commit in one target transaction: an
 * interrupted copy leaves nothing, so a chunk is never copied twice and the target never has to
 * delete a key range, whose bounds it might order differently from the source. The mark's own key
 * refuses a second copy of a chunk, rolling its rows back with it: that, not the target table's
 * primary key (built only after the copy), is what keeps rows from being copied twice.
 */
final class ChunkCopier {

    private static final int PROGRESS_EVERY_ROWS = 5_000;
    /** What PostgreSQL answers for a snapshot identifier it does not know (any more). */
    private static final String INVALID_PARAMETER_VALUE = "22023";
    private static final String CONNECTION_DOES_NOT_EXIST = "08003";

    private ChunkCopier() {
    }

    static long copy(Endpoint source, Endpoint target, TableMove move, KeyRange range, String snapshotId,
                     ChunkMark mark, LongConsumer rowsCopied) throws SQLException {
        String condition = KeyRanges.condition(move.source(), range);
        // generated columns are left to the target to compute
        String columns = Sql.columns(move.source().writtenColumns().stream().map(ColumnInfo::name).toList());
        boolean binary = SourceDefinition.of(move.source()).map(SourceDefinition::binaryCopy).orElse(true);
        String format = binary ? " (FORMAT binary)" : "";
        String read = "COPY (SELECT " + columns + " FROM " + Sql.table(move.source().name()) + " WHERE " + condition
                + ") TO STDOUT" + format;
        // COPY FROM writes the given values into identity columns, GENERATED ALWAYS ones included.
        String write = "COPY " + Sql.table(move.target()) + " (" + columns + ") FROM STDIN" + format;
        try (Connection from = Connections.open(source, "source");
             Connection to = Connections.open(target, "target")) {
            if (!binary) {
                textForm(from);
                textForm(to);
            }
            ReplicaRole.apply(to);
            from.setAutoCommit(false);
            from.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            importSnapshot(from, snapshotId);
            to.setAutoCommit(false);
            long rows = pipe(from.unwrap(PGConnection.class).getCopyAPI().copyOut(read),
                    to.unwrap(PGConnection.class).getCopyAPI().copyIn(write), rowsCopied);
            CopiedChunks.mark(to, mark, rows);
            // Committed synchronously (no synchronous_commit = off, which bulk loaders use): the
            // control store, possibly on another server, records the chunk done once this returns,
            // and an asynchronous commit lost in a crash of the target's server would leave it
            // saying so of rows that are not there. With one commit per chunk it would save nothing.
            to.commit();
            from.commit();
            return rows;
        }
    }

    /**
     * Joins the backfill's snapshot. The snapshot lives only as long as the session that exported
     * it; when that session is gone (a restarted server, an ended connection) the backfill must go on
     * from a fresh snapshot, so the failure is reported as the lost connection it is.
     */
    private static void importSnapshot(Connection from, String snapshotId) throws SQLException {
        try (Statement statement = from.createStatement()) {
            statement.execute("SET TRANSACTION SNAPSHOT " + Sql.literal(snapshotId));
        } catch (SQLException e) {
            if (INVALID_PARAMETER_VALUE.equals(e.getSQLState())) {
                throw new SQLException("the backfill's snapshot " + snapshotId + " is gone: the session that held it"
                        + " ended", CONNECTION_DOES_NOT_EXIST, e);
            }
            throw e;
        }
    }

    /**
     * Settings under which every type's text output reads back as the same value on the other side:
     * exact floating point, unambiguous dates and intervals, hex bytea. (money is checked to print
     * alike on both sides before anything is created.)
     */
    static void textForm(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 3; "
                    + "SET bytea_output = 'hex'; SET TimeZone = 'UTC'");
        }
    }

    /**
     * Rows travel on to the target in messages of about this size rather than one message per row as
     * the source sends them: the target's COPY takes each message on its own, so fewer, larger
     * messages cost it less. (COPY accepts data cut into messages anywhere.)
     */
    private static final int WRITE_BYTES = 64 * 1024;

    static long pipe(CopyOut out, CopyIn in, LongConsumer rowsCopied) throws SQLException {
        long messages = 0;
        long reported = 0;
        byte[] pending = new byte[WRITE_BYTES];
        int used = 0;
        try {
            byte[] data;
            while ((data = out.readFromCopy()) != null) {
                if (used + data.length > pending.length) {
                    in.writeToCopy(pending, 0, used);
                    used = 0;
                }
                if (data.length > pending.length) {
                    in.writeToCopy(data, 0, data.length);
                } else {
                    System.arraycopy(data, 0, pending, used, data.length);
                    used += data.length;
                }
                // The server sends one message per row (the last one carries the binary trailer).
                if (++messages - reported >= PROGRESS_EVERY_ROWS) {
                    rowsCopied.accept(messages - reported);
                    reported = messages;
                }
            }
            if (used > 0) {
                in.writeToCopy(pending, 0, used);
            }
            long rows = in.endCopy();
            rowsCopied.accept(rows - reported);
            return rows;
        } catch (SQLException | RuntimeException e) {
            if (in.isActive()) {
                in.cancelCopy();
            }
            if (out.isActive()) {
                out.cancelCopy();
            }
            throw e;
        }
    }
}
