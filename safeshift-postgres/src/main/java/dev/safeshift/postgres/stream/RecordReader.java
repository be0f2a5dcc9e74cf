package dev.safeshift.postgres.stream;

import dev.safeshift.engine.ColumnInfo;
import dev.safeshift.engine.TableMove;
import dev.safeshift.postgres.stream.StreamEvent.Kind;
import dev.safeshift.postgres.stream.StreamEvent.RowChange;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;

/** Reads Debezium PostgreSQL connector records into {@link StreamEvent}s for the moved tables. */
final class RecordReader {

    private static final String TRANSACTION_VALUE_SCHEMA = "io.debezium.connector.common.TransactionMetadataValue";
    /** Debezium's record for a logical decoding message ({@code pg_logical_emit_message}). */
    private static final String MESSAGE_VALUE_SCHEMA = "io.debezium.connector.postgresql.MessageValue";
    private static final String OLD_KEY_HEADER = "__debezium.oldkey";
    private static final String NEW_KEY_HEADER = "__debezium.newkey";

    private final Map<String, TableMove> movesBySourceTable = new HashMap<>();
    private final byte[] markContent;
    private final SchemaWatch schemas;

    /** A reader that takes the moves' columns for the source's own (no schema change can be noticed). */
    RecordReader(String captureName, List<TableMove> moves) {
        this(captureName, moves, new SchemaWatch(SchemaWatch.Catalog.of(moves)));
    }

    RecordReader(String captureName, List<TableMove> moves, SchemaWatch schemas) {
        this.schemas = schemas;
        this.markContent = SourceLogMarks.content(captureName);
        for (TableMove move : moves) {
            String schema = move.source().name().schema();
            String table = move.source().name().name();
            movesBySourceTable.put(tableKey(schema, table), move);
            // records name the table the way Debezium's decoder read it (see DebeziumNames)
            movesBySourceTable.put(tableKey(DebeziumNames.relation(schema), DebeziumNames.relation(table)), move);
        }
    }

    StreamEvent read(SourceRecord record) {
        if (!(record.value() instanceof Struct value)) {
            return new StreamEvent.Skip();
        }
        String schemaName = value.schema().name();
        if (schemaName != null && schemaName.endsWith(TRANSACTION_VALUE_SCHEMA)) {
            return transactionBoundary(record, value);
        }
        if (schemaName != null && schemaName.endsWith(MESSAGE_VALUE_SCHEMA)) {
            return message(value);
        }
        if (value.schema().field("op") == null || value.schema().field("source") == null) {
            return new StreamEvent.Skip(); // heartbeat or another non-change record
        }
        Struct source = value.getStruct("source");
        TableMove move = movesBySourceTable.get(tableKey(source.getString("schema"), source.getString("table")));
        if (move == null) {
            return new StreamEvent.Skip();
        }
        long lsn = orZero(source.getInt64("lsn"));
        long sourceMillis = orZero(source.getInt64("ts_ms"));
        String op = value.getString("op");
        return switch (op) {
            case "c", "u", "r" -> upsert(record, move, value.getStruct("before"), value.getStruct("after"), lsn,
                    sourceMillis);
            case "d" -> delete(record, move, value.getStruct("before"), lsn, sourceMillis);
            case "t" -> new StreamEvent.Truncate(move, lsn, sourceMillis);
            default -> new StreamEvent.Skip();
        };
    }

    private static StreamEvent transactionBoundary(SourceRecord record, Struct value) {
        String status = value.getString("status");
        if ("BEGIN".equals(status)) {
            return new StreamEvent.Begin();
        }
        Object commitLsn = record.sourceOffset().get("lsn_commit");
        if (!(commitLsn instanceof Number number)) {
            throw new IllegalStateException("transaction end without a commit position: " + record.sourceOffset());
        }
        return new StreamEvent.End(number.longValue());
    }

    /** Marks of other captures sharing the source, and other tools' messages, are passed over. */
    private StreamEvent message(Struct value) {
        Struct message = value.getStruct("message");
        if (message == null || !SourceLogMarks.PREFIX.equals(message.getString("prefix"))) {
            return new StreamEvent.Skip();
        }
        // binary.handling.mode=bytes: the content arrives as the raw bytes that were written
        byte[] content = message.getBytes("content");
        return Arrays.equals(content, markContent) ? new StreamEvent.Mark() : new StreamEvent.Skip();
    }

    private RowChange upsert(SourceRecord record, TableMove move, Struct before, Struct after, long lsn,
                             long sourceMillis) {
        List<String> columns = new ArrayList<>();
        List<String> values = new ArrayList<>();
        boolean complete = true;
        Set<String> absent = schemas.absentColumns(move, after.schema()); // stops at a schema change
        // generated columns are computed by the target (and pgoutput before PostgreSQL 18 does not send them)
        for (ColumnInfo column : move.source().writtenColumns()) {
            if (absent.contains(column.name())) {
                continue; // written before the column was added: the target keeps what it holds
            }
            Field field = requireField(after, move, column.name());
            Object raw = after.get(field);
            if (ValueConverter.isUnavailable(raw)) {
                complete = false;
                continue;
            }
            columns.add(column.name());
            values.add(ValueConverter.toText(field.schema(), raw, column.type()).orElse(null));
        }
        List<String> key = keyOf(after, move);
        List<String> oldKey = header(record, OLD_KEY_HEADER).map(old -> keyOf(old, move))
                .orElseGet(() -> changedKey(before, key, move));
        return new RowChange(move, Kind.UPSERT, columns, values, complete, key, oldKey, lsn, sourceMillis);
    }

    private RowChange delete(SourceRecord record, TableMove move, Struct before, long lsn, long sourceMillis) {
        Struct keySource = before != null ? before : (Struct) record.key();
        if (keySource == null) {
            throw new IllegalStateException("delete in " + move.key() + " carries no primary key; "
                    + "the source table's replica identity must include the primary key");
        }
        Kind kind = header(record, NEW_KEY_HEADER).isPresent() ? Kind.DELETE_BEFORE_REKEY : Kind.DELETE;
        return new RowChange(move, kind, List.of(), List.of(), false, keyOf(keySource, move), List.of(), lsn,
                sourceMillis);
    }

    /**
     * The key a row had before an update that changed it, when Debezium did not split the update
     * into a delete and an insert: it does that only when it knows the table's key, which it does not
     * when the table's or a key column's name has characters outside ASCII (see {@link DebeziumNames}).
     * The log then carries the old key as the update's old image. Empty when the key did not change.
     */
    private static List<String> changedKey(Struct before, List<String> key, TableMove move) {
        if (before == null) {
            return List.of();
        }
        for (String column : move.source().primaryKey()) {
            Field field = field(before, column);
            if (field == null || before.get(field) == null) {
                return List.of();
            }
        }
        List<String> beforeKey = keyOf(before, move);
        return beforeKey.equals(key) ? List.of() : beforeKey;
    }

    private static List<String> keyOf(Struct struct, TableMove move) {
        List<String> key = new ArrayList<>();
        for (String column : move.source().primaryKey()) {
            Field field = requireField(struct, move, column);
            Object raw = struct.get(field);
            if (raw == null || ValueConverter.isUnavailable(raw)) {
                throw new IllegalStateException("primary key column " + column + " of " + move.key()
                        + " has no value in the change record");
            }
            key.add(ValueConverter.toText(field.schema(), raw, move.source().column(column).type()).orElseThrow());
        }
        return key;
    }

    private static Field requireField(Struct struct, TableMove move, String column) {
        Field field = field(struct, column);
        if (field == null) {
            throw new ValueConverter.UnsupportedValueException("column " + column + " of " + move.key()
                    + " is missing from the change record; its type is probably not supported by the change "
                    + "stream (columns of unknown types are left out)");
        }
        return field;
    }

    /** The record's field for a column, found by its name or by the name as Debezium's decoder read it. */
    static Field field(Struct struct, String column) {
        Field field = struct.schema().field(column);
        return field != null ? field : struct.schema().field(DebeziumNames.column(column));
    }

    private static Optional<Struct> header(SourceRecord record, String name) {
        Header header = record.headers().lastWithName(name);
        return header != null && header.value() instanceof Struct struct ? Optional.of(struct) : Optional.empty();
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }

    private static String tableKey(String schema, String table) {
        return schema + '\u0000' + table;
    }
}
