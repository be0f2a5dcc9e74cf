package dev.safeshift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.spi.FilterReply;
import dev.safeshift.LogValues;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RowValueLogFilterTest {

    private final LoggerContext context = new LoggerContext();
    private final RowValueLogFilter filter = new RowValueLogFilter();

    @AfterEach
    void forgetValues() {
        System.clearProperty("safeshift.logValues");
    }

    @Test
    void debeziumLinesThatQuoteARowOrValueAreLeftOutUnlessValuesWereAskedFor() {
        var builder = context.getLogger("io.debezium.relational.TableSchemaBuilder");
        var parser = context.getLogger("io.debezium.connector.postgresql.connection.DateTimeFormat");
        assertThat(decide(builder, "Error requesting a row value, row: {}, requested index: {} at position {} of {}"))
                .isEqualTo(FilterReply.DENY);
        assertThat(decide(parser, "Cannot parse time/date value '{}', expected format '{}'")).isEqualTo(FilterReply.DENY);
        assertThat(decide(builder, "No converter found for column {}.{} of type {}.")).isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide(context.getLogger("dev.safeshift.Other"), "Error requesting a row value"))
                .isEqualTo(FilterReply.NEUTRAL);

        LogValues.enable();
        assertThat(decide(builder, "Error requesting a row value, row: {}")).isEqualTo(FilterReply.NEUTRAL);
    }

    private FilterReply decide(ch.qos.logback.classic.Logger logger, String format) {
        return filter.decide(null, logger, Level.ERROR, format, new Object[0], null);
    }
}
