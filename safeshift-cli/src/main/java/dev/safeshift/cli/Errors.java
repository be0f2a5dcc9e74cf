package dev.safeshift.cli;

import dev.safeshift.SafeshiftException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Turns failures into one readable message and an exit code. Stack traces go to the log, and to
 * the terminal only with {@code --debug}.
 */
final class Errors implements CommandLine.IExecutionExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(Errors.class);

    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        boolean debug = Logging.debugEnabled();
        LOG.error("command failed", e);
        if (e instanceof SafeshiftException safeshift) {
            commandLine.getErr().println("error: " + safeshift.getMessage());
            if (debug) {
                e.printStackTrace(commandLine.getErr());
            }
            return safeshift.exitCode();
        }
        commandLine.getErr().println("error: " + e + (debug ? "" : "\n(run again with --debug for details; the log is "
                + Logging.logFile() + ")"));
        if (debug) {
            e.printStackTrace(commandLine.getErr());
        }
        return SafeshiftException.Kind.INTERNAL.exitCode();
    }
}
