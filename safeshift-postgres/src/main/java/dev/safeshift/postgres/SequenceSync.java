package dev.safeshift.postgres;

import dev.safeshift.engine.TableMove;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Carries sequence values, which neither COPY nor the change stream do: rows arrive with their
 * generated values, but the target's sequences would start over and hand out values already taken.
 * The target's sequence is moved forward to the source's last value, never back, so that a value
 * handed out on the target (a test insert, say) is never handed out again.
 */
final class SequenceSync {

    private SequenceSync() {
    }

    static void sync(Connection source, Connection target, List<TableMove> moves) throws SQLException {
        for (TableMove move : moves) {
            Optional<SourceDefinition> definition = SourceDefinition.of(move.source());
            if (definition.isEmpty()) {
                continue;
            }
            for (String column : definition.get().sequences().keySet()) {
                String sourceSequence = sequenceOf(source, Sql.table(move.source().name()), column);
                String targetSequence = sequenceOf(target, Sql.table(move.target()), column);
                if (sourceSequence == null || targetSequence == null) {
                    continue; // no longer owned by the column on one side: nothing to follow
                }
                Optional<BigInteger> sourceValue = lastValue(source, sourceSequence);
                if (sourceValue.isEmpty()) {
                    continue; // never used on the source
                }
                Optional<BigInteger> targetValue = lastValue(target, targetSequence);
                boolean ascending = Catalog.text(target, "SELECT seqincrement > 0 FROM pg_sequence WHERE seqrelid = "
                        + "?::regclass", targetSequence).equals("t");
                BigInteger wanted = sourceValue.get();
                boolean behind = targetValue.isEmpty()
                        || (ascending ? wanted.compareTo(targetValue.get()) > 0 : wanted.compareTo(targetValue.get()) < 0);
                if (behind) {
                    try (PreparedStatement statement = target.prepareStatement("SELECT setval(?::regclass, ?::bigint, true)")) {
                        statement.setString(1, targetSequence);
                        statement.setString(2, wanted.toString());
                        statement.execute();
                    }
                }
            }
        }
    }

    private static String sequenceOf(Connection connection, String table, String column) throws SQLException {
        return Catalog.text(connection, "SELECT pg_get_serial_sequence(?, ?)", table, column);
    }

    /** The last value handed out, or empty if none was yet. */
    private static Optional<BigInteger> lastValue(Connection connection, String sequence) throws SQLException {
        // the name comes from pg_get_serial_sequence, which quotes it as needed
        List<String[]> rows = Catalog.rows(connection, "SELECT last_value::text, is_called FROM " + sequence,
                row -> new String[] {row.getString(1), row.getString(2)});
        return rows.get(0)[1].equals("t") ? Optional.of(new BigInteger(rows.get(0)[0])) : Optional.empty();
    }
}
