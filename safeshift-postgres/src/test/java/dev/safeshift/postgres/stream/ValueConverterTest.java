package dev.safeshift.postgres.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.junit.jupiter.api.Test;

class ValueConverterTest {

    private static Schema named(Schema.Type type, String name) {
        return new SchemaBuilder(type).name(name).optional().build();
    }

    private static String text(Schema schema, Object value) {
        return ValueConverter.toText(schema, value, "text").orElse(null);
    }

    @Test
    void nullIsSqlNull() {
        assertThat(ValueConverter.toText(Schema.OPTIONAL_STRING_SCHEMA, null, "text")).isEmpty();
    }

    @Test
    void arrayElementsAreAlwaysQuotedSoNothingIsMisread() {
        Schema schema = SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).optional().build();
        List<String> elements = Arrays.asList("a,b", "q\"uote", "back\\slash", "{brace}", "", "NULL", null, " spaced ");
        assertThat(text(schema, elements))
                .isEqualTo("{\"a,b\",\"q\\\"uote\",\"back\\\\slash\",\"{brace}\",\"\",\"NULL\",NULL,\" spaced \"}");
        assertThat(text(schema, List.of())).isEqualTo("{}");
    }

    @Test
    void datesAndTimestampsKeepMicrosecondsEraAndInfinity() {
        Schema date = named(Schema.Type.INT32, "io.debezium.time.Date");
        assertThat(text(date, 0)).isEqualTo("1970-01-01");
        assertThat(text(date, (int) java.time.LocalDate.of(-43, 3, 15).toEpochDay())).isEqualTo("0044-03-15 BC");
        Schema micros = named(Schema.Type.INT64, "io.debezium.time.MicroTimestamp");
        assertThat(text(micros, 946_684_799_999_999L)).isEqualTo("1999-12-31 23:59:59.999999");
        assertThat(text(micros, -1L)).isEqualTo("1969-12-31 23:59:59.999999");
        assertThat(text(micros, org.postgresql.PGStatement.DATE_POSITIVE_INFINITY)).isEqualTo("infinity");
        assertThat(text(micros, org.postgresql.PGStatement.DATE_NEGATIVE_INFINITY)).isEqualTo("-infinity");
        assertThatThrownBy(() -> text(micros, Long.MAX_VALUE)).isInstanceOf(ValueConverter.UnsupportedValueException.class);
        Schema zoned = named(Schema.Type.STRING, "io.debezium.time.ZonedTimestamp");
        assertThat(text(zoned, "2024-02-29T18:29:59.123456Z")).isEqualTo("2024-02-29T18:29:59.123456Z");
        assertThat(text(zoned, "-0043-03-15T12:00:00.000001Z")).isEqualTo("0044-03-15T12:00:00.000001Z BC");
        assertThat(text(zoned, "0000-01-01T00:00:00Z")).isEqualTo("0001-01-01T00:00:00Z BC");
        assertThat(text(zoned, "+20000-01-01T00:00:00Z")).isEqualTo("20000-01-01T00:00:00Z");
        assertThat(text(zoned, "infinity")).isEqualTo("infinity");
        Schema time = named(Schema.Type.INT64, "io.debezium.time.MicroTime");
        assertThat(text(time, 86_400_000_000L)).isEqualTo("24:00:00.000000");
        assertThat(text(time, 1L)).isEqualTo("00:00:00.000001");
    }

    @Test
    void numbersKeepTheirExactText() {
        assertThat(text(Schema.OPTIONAL_INT64_SCHEMA, Long.MIN_VALUE)).isEqualTo("-9223372036854775808");
        assertThat(text(Schema.OPTIONAL_FLOAT64_SCHEMA, Double.NaN)).isEqualTo("NaN");
        assertThat(text(Schema.OPTIONAL_FLOAT64_SCHEMA, Double.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
        assertThat(text(Schema.OPTIONAL_FLOAT64_SCHEMA, 0.1)).isEqualTo("0.1");
        assertThat(text(Schema.OPTIONAL_FLOAT32_SCHEMA, 0.1f)).isEqualTo("0.1");
        assertThat(text(named(Schema.Type.BYTES, "org.apache.kafka.connect.data.Decimal"), new BigDecimal("1E+3")))
                .isEqualTo("1000");
        assertThat(ValueConverter.toText(Schema.OPTIONAL_STRING_SCHEMA, "POSITIVE_INFINITY", "numeric(12,2)"))
                .contains("Infinity");
        assertThat(ValueConverter.toText(Schema.OPTIONAL_STRING_SCHEMA, "POSITIVE_INFINITY", "text"))
                .contains("POSITIVE_INFINITY");
    }

    @Test
    void bytesBecomeHexByteaInput() {
        assertThat(text(Schema.OPTIONAL_BYTES_SCHEMA, new byte[] {0, (byte) 0xff, 0x10})).isEqualTo("\\x00ff10");
        assertThat(text(Schema.OPTIONAL_BYTES_SCHEMA, ByteBuffer.wrap(new byte[0]))).isEqualTo("\\x");
    }

    @Test
    void recognisesDebeziumsPlaceholdersForValuesTheLogLeftOut() {
        byte[] placeholder = ValueConverter.UNAVAILABLE.getBytes(StandardCharsets.UTF_8);
        assertThat(ValueConverter.isUnavailable(ValueConverter.UNAVAILABLE)).isTrue();
        assertThat(ValueConverter.isUnavailable(placeholder)).isTrue();
        assertThat(ValueConverter.isUnavailable(ByteBuffer.wrap(placeholder))).isTrue();
        assertThat(ValueConverter.isUnavailable(List.of(ValueConverter.UNAVAILABLE))).isTrue();
        assertThat(ValueConverter.isUnavailable("__debezium_unavailable_value ")).isFalse();
        assertThat(ValueConverter.isUnavailable(null)).isFalse();
        assertThat(ValueConverter.isUnavailable(List.of("a", "b"))).isFalse();
    }

    @Test
    void refusesRepresentationsItCannotRebuild() {
        assertThatThrownBy(() -> text(named(Schema.Type.BYTES, "io.debezium.data.Bits"), new byte[] {1}))
                .isInstanceOf(ValueConverter.UnsupportedValueException.class);
        assertThatThrownBy(() -> text(named(Schema.Type.INT64, "io.debezium.time.NanoTimestamp"), 1L))
                .isInstanceOf(ValueConverter.UnsupportedValueException.class);
        assertThatThrownBy(() -> text(Schema.OPTIONAL_STRING_SCHEMA, TextFormConverter.UNCONVERTIBLE + "x.Y"))
                .isInstanceOf(ValueConverter.UnsupportedValueException.class);
    }
}
