package dev.safeshift.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.ConsoleAppender;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Logs go to a file (see logback.xml), so the terminal shows only what a person needs.
 * {@code --debug} adds the log to the terminal as well.
 */
final class Logging {

    private static volatile boolean debug;

    private Logging() {
    }

    static void enableDebug() {
        if (debug) {
            return;
        }
        debug = true;
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level [%thread] %logger{30} - %msg%n");
        encoder.start();
        ConsoleAppender<ch.qos.logback.classic.spi.ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setTarget("System.err");
        console.setEncoder(encoder);
        console.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(console);
        context.getLogger("dev.safeshift").setLevel(Level.DEBUG);
    }

    static boolean debugEnabled() {
        return debug;
    }

    static Path logFile() {
        return Path.of(System.getProperty("safeshift.log.dir", ".safeshift"), "safeshift.log");
    }
}
