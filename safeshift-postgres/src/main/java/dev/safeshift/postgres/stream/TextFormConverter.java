package dev.safeshift.postgres.stream;

import io.debezium.connector.postgresql.UnchangedToastedReplicationMessageColumn;
import io.debezium.spi.converter.CustomConverter;
import io.debezium.spi.converter.RelationalColumn;
import java.sql.Types;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.postgresql.jdbc.PgArray;

/**
 * Hands some columns over in PostgreSQL's own text form instead of Debezium's conversion:
 * <ul>
 *   <li>arrays ({@code {1,NULL,"a,b"}}): Debezium's element-by-element conversion loses values
 *       (numeric arrays with NaN fail, and so do unchanged TOASTed arrays of most element types),
 *       and Debezium turns a failed conversion into NULL with only a log line;</li>
 *   <li>bit strings, which Debezium turns into bytes without their exact length, and hstore,
 *       which it turns into JSON or a map.</li>
 * </ul>
 * The text is what the server sent, so it is exact for every element type and dimension, and the
 * target's input function reads it back.
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

    private static final Set<String> TEXT_TYPES = Set.of("bit", "varbit", "bit varying", "hstore");

    @Override
    public void configure(Properties properties) {
        // nothing to configure
    }

    @Override
    public void converterFor(RelationalColumn column, ConverterRegistration<SchemaBuilder> registration) {
        String type = column.typeName().toLowerCase(Locale.ROOT);
        boolean array = column.jdbcType() == Types.ARRAY || type.startsWith("_");
        if (array || TEXT_TYPES.contains(type)) {
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
        return UNCONVERTIBLE + value.getClass().getName();
    }
}
