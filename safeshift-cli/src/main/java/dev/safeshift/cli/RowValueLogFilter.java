package dev.safeshift.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import dev.safeshift.LogValues;
import java.util.List;
import org.slf4j.Marker;

/**
 * Keeps Debezium's log lines that print row values out of the log, unless values were asked for
 * ({@code --log-values}). Debezium prints records only at TRACE (its own redaction), but a few
 * warnings and errors about a value it could not read quote the value itself. Registered in
 * logback.xml.
 */
public final class RowValueLogFilter extends TurboFilter {

    /** Beginnings of Debezium messages whose arguments include a row or a value. */
    private static final List<String> PRINTS_VALUES = List.of(
            "Error requesting a row value",
            "Cannot parse time/date value",
            "Error converting the string",
            "Unexpected exception trying to process PgArray");

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (format == null || !logger.getName().startsWith("io.debezium") || LogValues.enabled()) {
            return FilterReply.NEUTRAL;
        }
        for (String prefix : PRINTS_VALUES) {
            if (format.startsWith(prefix)) {
                return FilterReply.DENY;
            }
        }
        return FilterReply.NEUTRAL;
    }
}
