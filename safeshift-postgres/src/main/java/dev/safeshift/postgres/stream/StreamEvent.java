package dev.safeshift.postgres.stream;

import dev.safeshift.engine.TableMove;
import java.util.Collections;
import java.util.List;

/** One record of the change stream, reduced to what the applier needs. */
sealed interface StreamEvent {

    /** A source transaction starts. */
    record Begin() implements StreamEvent {
    }

    /**
     * A source transaction committed; {@code commitLsn} is the end of its commit record, the
     * position the replication slot is confirmed to once the transaction is applied.
     */
    record End(long commitLsn) implements StreamEvent {
    }

    /**
     * This capture's mark in the source log (see {@link SourceLogMarks}): the source transaction it
     * is in must advance the applied position even when it changes no row.
     */
    record Mark() implements StreamEvent {
    }

    /** Heartbeats, changes of tables this stream does not move, and anything else to pass over. */
    record Skip() implements StreamEvent {
    }

    /** All rows of a moved table were removed. */
    record Truncate(TableMove move, long lsn, long sourceMillis) implements StreamEvent {
    }

    /**
     * A row change, with values already in PostgreSQL text form ({@code null} is SQL NULL).
     *
     * @param columns   the columns whose values the log carried, in table order; fewer than the
     *                  table's when unchanged TOASTed values were left out ({@link #complete} false)
     * @param key       primary-key values in key order: the row's key after the change, or the
     *                  deleted row's key
     * @param oldKey    for the second half of a primary-key change, the key the row had before;
     *                  otherwise empty
     */
    record RowChange(
            TableMove move,
            Kind kind,
            List<String> columns,
            List<String> values,
            boolean complete,
            List<String> key,
            List<String> oldKey,
            long lsn,
            long sourceMillis) implements StreamEvent {

        public RowChange {
            columns = List.copyOf(columns);
            // values and keys may hold nulls (SQL NULL), which List.copyOf rejects
            values = Collections.unmodifiableList(new java.util.ArrayList<>(values));
            key = Collections.unmodifiableList(new java.util.ArrayList<>(key));
            oldKey = Collections.unmodifiableList(new java.util.ArrayList<>(oldKey));
        }

        boolean rekey() {
            return !oldKey.isEmpty();
        }
    }

    enum Kind {
        /** Insert, update or read: the row now has these values. */
        UPSERT,
        /** The row with this key is gone. */
        DELETE,
        /**
         * The first half of a primary-key change (delete of the old key). The second half carries the
         * old key and does the work, so that unchanged TOASTed values can move with the row.
         */
        DELETE_BEFORE_REKEY
    }
}
