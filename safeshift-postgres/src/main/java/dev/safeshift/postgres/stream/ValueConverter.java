package dev.safeshift.postgres.stream;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import io.debezium.connector.postgresql.PostgresValueConverter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.connect.data.Schema;
import org.postgresql.PGStatement;

/**
 * Turns a Debezium field value back into PostgreSQL's text input form, which the applier binds as
 * {@code CAST(? AS <declared type>)}. Text forms are exact for every representation the stream is
 * configured with (numeric as string, microsecond times, bytes; every other type already as
 * PostgreSQL text, see {@link TextFormConverter}), so values round-trip unchanged. A representation
 * that cannot be rebuilt exactly raises {@link UnsupportedValueException} rather than writing
 * something else.
 */
final class ValueConverter {

    /** Debezium's stand-in for an unchanged TOASTed value that the log did not carry. */
    static final String UNAVAILABLE = "__debezium_unavailable_value";
    private static final byte[] UNAVAILABLE_BYTES = UNAVAILABLE.getBytes(StandardCharsets.UTF_8);
    private static final List<Object> UNAVAILABLE_PLACEHOLDERS = unavailablePlaceholders();

    private static final long MICROS_PER_SECOND = 1_000_000L;
    // Debezium reports PostgreSQL's infinite dates and timestamps as these stand-in values.
    private static final long INFINITY_MICROS = PGStatement.DATE_POSITIVE_INFINITY;
    private static final long MINUS_INFINITY_MICROS = PGStatement.DATE_NEGATIVE_INFINITY;
    private static final long INFINITY_DAYS = PostgresValueConverter.POSITIVE_INFINITY_LOCAL_DATE.toEpochDay();
    private static final long MINUS_INFINITY_DAYS = PostgresValueConverter.NEGATIVE_INFINITY_LOCAL_DATE.toEpochDay();
    private static final Pattern ISO_YEAR = Pattern.compile("^([+-]?)(\\d{4,})(-.*)$");
    private static final long MICROS_PER_DAY = 86_400L * MICROS_PER_SECOND;

    private ValueConverter() {
    }

    /**
     * Whether Debezium put its placeholder here because the value was not in the log. The forms
     * mirror the connector's: a string, its bytes, or a one-element list (text, bytes, uuid arrays)
     * or the placeholder's bytes as integers (int, bigint and date arrays).
     */
    static boolean isUnavailable(Object value) {
        if (value == null) {
            return false;
        }
        if (value instanceof String s) {
            return s.equals(UNAVAILABLE);
        }
        if (value instanceof byte[] || value instanceof ByteBuffer) {
            return Arrays.equals(bytes(value), UNAVAILABLE_BYTES);
        }
        if (value instanceof List<?> list) {
            if (list.size() == 1 && isUnavailable(list.get(0))) {
                return true;
            }
            return UNAVAILABLE_PLACEHOLDERS.contains(list);
        }
        return false;
    }

    /**
     * The PostgreSQL text input for {@code value} described by {@code schema}; empty for SQL NULL.
     * {@code declaredType} (as in the catalog, e.g. {@code numeric(12,2)}) tells apart strings whose
     * meaning depends on the column, such as Debezium's names for numeric infinities.
     */
    static Optional<String> toText(Schema schema, Object value, String declaredType) {
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof String text && text.startsWith(TextFormConverter.UNCONVERTIBLE)) {
            throw new UnsupportedValueException(text.substring(1));
        }
        if (schema.type() == Schema.Type.ARRAY) {
            return Optional.of(arrayLiteral(schema.valueSchema(), (List<?>) value));
        }
        String text = scalar(schema, value);
        if (schema.name() == null && schema.type() == Schema.Type.STRING && isNumeric(declaredType)) {
            text = switch (text) {
                case "POSITIVE_INFINITY" -> "Infinity";
                case "NEGATIVE_INFINITY" -> "-Infinity";
                default -> text;
            };
        }
        return Optional.of(text);
    }

    private static boolean isNumeric(String declaredType) {
        String type = declaredType == null ? "" : declaredType.toLowerCase(java.util.Locale.ROOT);
        return type.startsWith("numeric") || type.startsWith("decimal");
    }

    /** Connect arrays, should a column arrive as one rather than as text. */
    private static String arrayLiteral(Schema elementSchema, List<?> elements) {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < elements.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            Object element = elements.get(i);
            if (element == null) {
                out.append("NULL");
            } else if (element instanceof List<?> nested) {
                out.append(arrayLiteral(elementSchema.valueSchema(), nested));
            } else {
                // Quoting every element is always valid and keeps commas, quotes, braces,
                // backslashes, blanks, empty strings and the word NULL from being misread.
                String text = scalar(elementSchema, element);
                out.append('"');
                for (int k = 0; k < text.length(); k++) {
                    char c = text.charAt(k);
                    if (c == '"' || c == '\\') {
                        out.append('\\');
                    }
                    out.append(c);
                }
                out.append('"');
            }
        }
        return out.append('}').toString();
    }

    private static String scalar(Schema schema, Object value) {
        String name = schema.name();
        if (name != null) {
            switch (name) {
                case "io.debezium.time.Date":
                    return date(((Number) value).longValue());
                case "io.debezium.time.MicroTimestamp":
                    return timestampFromMicros(((Number) value).longValue());
                case "io.debezium.time.Timestamp":
                    return timestampFromMillis(((Number) value).longValue());
                case "io.debezium.time.ZonedTimestamp":
                    return isoWithEra((String) value);
                case "io.debezium.time.MicroTime":
                    return timeOfDay(((Number) value).longValue());
                case "io.debezium.time.Time":
                    return timeOfDay(((Number) value).longValue() * 1000L);
                case "io.debezium.time.NanoTime":
                    return timeOfDay(((Number) value).longValue() / 1000L);
                case "org.apache.kafka.connect.data.Decimal":
                    return ((BigDecimal) value).toPlainString();
                case "io.debezium.time.ZonedTime", "io.debezium.time.Interval":
                    return (String) value; // already text PostgreSQL reads
                default:
                    // A number or struct in a representation not handled above would be written as
                    // something else, silently: refuse instead.
                    if (name.startsWith("io.debezium.time.") || schema.type() != Schema.Type.STRING
                            && (name.startsWith("io.debezium.") || name.startsWith("org.apache.kafka."))) {
                        throw new UnsupportedValueException("values of kind " + name + " cannot be rebuilt exactly");
                    }
                    break; // strings (Json, Uuid, Xml, Enum, text forms, ...) are already PostgreSQL text
            }
        }
        return switch (schema.type()) {
            case INT8, INT16, INT32, INT64 -> value.toString();
            case FLOAT32, FLOAT64 -> floating(((Number) value).doubleValue(), value);
            case BOOLEAN -> ((Boolean) value) ? "t" : "f";
            case STRING -> (String) value;
            case BYTES -> "\\x" + HexFormat.of().formatHex(bytes(value));
            default -> throw new UnsupportedValueException("values of type " + schema.type()
                    + (name == null ? "" : " (" + name + ")") + " are not supported");
        };
    }

    private static String floating(double asDouble, Object original) {
        if (Double.isNaN(asDouble)) {
            return "NaN";
        }
        if (Double.isInfinite(asDouble)) {
            return asDouble > 0 ? "Infinity" : "-Infinity";
        }
        // Java prints the shortest decimal that reads back as the same binary value, as PostgreSQL does.
        return original.toString();
    }

    /** PostgreSQL has no year 0: ISO year 0 is 1 BC, year -1 is 2 BC. */
    private static String date(long epochDay) {
        if (epochDay == INFINITY_DAYS) {
            return "infinity";
        }
        if (epochDay == MINUS_INFINITY_DAYS) {
            return "-infinity";
        }
        LocalDate date = LocalDate.ofEpochDay(epochDay);
        int year = date.getYear();
        boolean bc = year <= 0;
        return String.format("%04d-%02d-%02d%s", bc ? 1 - year : year, date.getMonthValue(), date.getDayOfMonth(),
                bc ? " BC" : "");
    }

    private static String timestampFromMillis(long millis) {
        if (millis == INFINITY_MICROS / 1000 || millis == MINUS_INFINITY_MICROS / 1000) {
            return millis > 0 ? "infinity" : "-infinity";
        }
        if (millis == Long.MAX_VALUE || millis == Long.MIN_VALUE) {
            throw new UnsupportedValueException("a timestamp beyond what the change stream can carry (year 294247)");
        }
        return timestampFromMicros(Math.multiplyExact(millis, 1000L));
    }

    private static String timestampFromMicros(long micros) {
        if (micros == INFINITY_MICROS) {
            return "infinity";
        }
        if (micros == MINUS_INFINITY_MICROS) {
            return "-infinity";
        }
        if (micros == Long.MAX_VALUE || micros == Long.MIN_VALUE) {
            // Debezium saturates timestamps past year 294247 (PostgreSQL goes to 294276)
            throw new UnsupportedValueException("a timestamp beyond what the change stream can carry (year 294247)");
        }
        long seconds = Math.floorDiv(micros, MICROS_PER_SECOND);
        long fraction = Math.floorMod(micros, MICROS_PER_SECOND);
        LocalDateTime t = LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
        int year = t.getYear();
        boolean bc = year <= 0;
        return String.format("%04d-%02d-%02d %02d:%02d:%02d.%06d%s", bc ? 1 - year : year, t.getMonthValue(),
                t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond(), fraction, bc ? " BC" : "");
    }

    /**
     * Debezium prints timestamps with time zone in ISO 8601, where year 0 is 1 BC and years past
     * 9999 carry a plus sign; PostgreSQL wants the era spelled out and no sign.
     */
    private static String isoWithEra(String iso) {
        Matcher m = ISO_YEAR.matcher(iso);
        if (!m.matches()) {
            return iso; // infinity, -infinity
        }
        long year = Long.parseLong(m.group(2)) * ("-".equals(m.group(1)) ? -1 : 1);
        if (year > 0) {
            return m.group(2) + m.group(3);
        }
        return String.format("%04d%s BC", 1 - year, m.group(3));
    }

    /** Formatted by hand because PostgreSQL's {@code time} allows 24:00:00, which LocalTime does not. */
    private static String timeOfDay(long micros) {
        if (micros < 0 || micros > MICROS_PER_DAY) {
            throw new UnsupportedValueException("a time of day out of range");
        }
        long seconds = micros / MICROS_PER_SECOND;
        return String.format("%02d:%02d:%02d.%06d", seconds / 3600, (seconds / 60) % 60, seconds % 60,
                micros % MICROS_PER_SECOND);
    }

    static byte[] bytes(Object value) {
        if (value instanceof byte[] array) {
            return array;
        }
        ByteBuffer buffer = ((ByteBuffer) value).duplicate();
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    private static List<Object> unavailablePlaceholders() {
        List<Integer> asInts = new java.util.ArrayList<>();
        List<Long> asLongs = new java.util.ArrayList<>();
        for (byte b : UNAVAILABLE_BYTES) {
            asInts.add((int) b);
            asLongs.add((long) b);
        }
        String asUuid = java.util.UUID.nameUUIDFromBytes(UNAVAILABLE_BYTES).toString();
        return List.of(asInts, asLongs, List.of(asUuid));
    }

    /** A value whose PostgreSQL form cannot be rebuilt exactly; the stream stops rather than guess. */
    static final class UnsupportedValueException extends RuntimeException {
        UnsupportedValueException(String message) {
            super(message);
        }
    }
}
