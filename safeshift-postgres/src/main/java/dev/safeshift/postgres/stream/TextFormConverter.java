package dev.safeshift.postgres.stream;

import io.debezium.connector.postgresql.UnchangedToastedReplicationMessageColumn;
import io.debezium.spi.converter.CustomConverter;
import io.debezium.spi.converter.RelationalColumn;
import java.math.BigDecimal;
import java.sql.Types;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.postgresql.jdbc.PgArray;
import org.postgresql.util.PGobject;

/**
 * Hands every column over in PostgreSQL's own text form, except those of the few base types whose
 * Debezium conversion is exact and cheap (integers, floating point, numeric, boolean, text,
 * dates and times without time zone, timestamps, uuid, json, jsonb, bytea; domains over them too).
 * Debezium's conversions of the others lose values or whole columns: arrays element by element
 * (numeric arrays with NaN fail, and so do unchanged TOASTed arrays, which Debezium turns into
 * NULL with only a log line), bit strings without their length, geometric types into
 * structures, ranges, enums, composites and extension types dropped or turned into bytes.
 * The server sends every value as text; Debezium parses some of them (points, boxes, intervals,
 * money) into objects that print back exactly, and hands the others over as the text itself.
 * The target's input function reads the text back.
 *
 * <p>time with time zone is the exception that cannot be carried: Debezium normalizes it to UTC
 * before any converter sees it, losing the offset, so such columns are refused when the table is
 * described (arrays and composites of it travel as text and are exact).
 *
 * <p>Registered by class name in the connector configuration, so it must stay public with a
 * no-argument constructor.
 */
public final class TextFormConverter implements CustomConverter<SchemaBuilder, RelationalColumn> {

    /** Marks the Connect schema, so the stream knows the string is already PostgreSQL text. */
    static final String SCHEMA_NAME = "dev.safeshift.postgres.TextForm";
    /**
     * Debezium swallows exceptions thrown by converters (the value becomes NULL), so a value that
     * cannot be handed over is marked instead; PostgreSQL text never contains a NUL character.
     */
    static final String UNCONVERTIBLE = "\u0000unconvertible value: ";

    /**
     * Built-in types (by type id; a domain column reports its base type's) that Debezium converts
     * exactly: bool, bytea, int8, int2, int4, text, json, float4, float8, bpchar, varchar, date,
     * time, timestamp, timestamptz, numeric, uuid, jsonb.
     */
    static final Set<Integer> DEBEZIUM_EXACT = Set.of(16, 17, 20, 21, 23, 25, 114, 700, 701, 1042, 1043, 1082, 1083,
            1114, 1184, 1700, 2950, 3802);

    @Override
    public void configure(Properties properties) {
        // nothing to configure
    }

    @Override
    public void converterFor(RelationalColumn column, ConverterRegistration<SchemaBuilder> registration) {
        boolean array = column.jdbcType() == Types.ARRAY || column.typeName().startsWith("_");
        if (array || !DEBEZIUM_EXACT.contains(column.nativeType())) {
            registration.register(SchemaBuilder.string().optional().name(SCHEMA_NAME), TextFormConverter::toText);
        }
    }

    static Object toText(Object value) {
        if (value == null) {
            return null;
        }
        if (UnchangedToastedReplicationMessageColumn.isUnchangedToastedValue(value)) {
            return ValueConverter.UNAVAILABLE;
        }
        if (value instanceof PgArray array) {
            return array.toString(); // the text the server sent
        }
        if (value instanceof String text) {
            return text;
        }
        if (value instanceof PGobject object) {
            // points, boxes, intervals, ...: parsed from the server's text, printed back with every
            // digit (Java prints the shortest decimal that reads back as the same double)
            return object.getValue();
        }
        if (value instanceof BigDecimal amount) {
            return amount.toPlainString(); // money, without its currency sign
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short) {
            return value.toString(); // oid and other integers Debezium parsed
        }
        return UNCONVERTIBLE + value.getClass().getName();
    }
}
