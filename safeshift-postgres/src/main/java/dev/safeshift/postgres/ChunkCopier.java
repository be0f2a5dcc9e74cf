package dev.safeshift.postgres;

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
 * embed type ids that differ between the databases (arrays and composites of user-defined types). The target side first deletes the range, so copying a chunk again
 * after a crash leaves exactly one copy of each row.
 */
final class ChunkCopier {

    private static final int PROGRESS_EVERY_ROWS = 5_000;

    private ChunkCopier() {
    }

    static long copy(Endpoint source, Endpoint target, TableMove move, KeyRange range, String snapshotId,
                     LongConsumer rowsCopied) throws SQLException {
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
            try (Statement statement = from.createStatement()) {
                statement.execute("SET TRANSACTION SNAPSHOT " + Sql.literal(snapshotId));
            }
            to.setAutoCommit(false);
            try (Statement statement = to.createStatement()) {
                statement.execute("DELETE FROM " + Sql.table(move.target()) + " WHERE "
                        + KeyRanges.condition(move.source(), range));
            }
            long rows = pipe(from.unwrap(PGConnection.class).getCopyAPI().copyOut(read),
                    to.unwrap(PGConnection.class).getCopyAPI().copyIn(write), rowsCopied);
            to.commit();
            from.commit();
            return rows;
        }
    }

    /**
     * Settings under which every type's text output reads back as the same value on the other side:
     * exact floating point, unambiguous dates and intervals, hex bytea. (money is checked to print
     * alike on both sides before anything is created.)
     */
    private static void textForm(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 3; "
                    + "SET bytea_output = 'hex'; SET TimeZone = 'UTC'");
        }
    }

    private static long pipe(CopyOut out, CopyIn in, LongConsumer rowsCopied) throws SQLException {
        long messages = 0;
        long reported = 0;
        try {
            byte[] data;
            while ((data = out.readFromCopy()) != null) {
                in.writeToCopy(data, 0, data.length);
                // The server sends one message per row (the last one carries the binary trailer).
                if (++messages - reported >= PROGRESS_EVERY_ROWS) {
                    rowsCopied.accept(messages - reported);
                    reported = messages;
                }
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
