package dev.safeshift.cli;

import dev.safeshift.OutOfMemory;
import dev.safeshift.SafeshiftException;
import java.io.PrintWriter;
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
        var outOfMemory = OutOfMemory.find(e);
        if (outOfMemory.isPresent() && !(e instanceof SafeshiftException)) {
            return outOfMemory(e, outOfMemory.get(), commandLine.getErr());
        }
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

    /**
     * One line on the terminal for a process out of memory, whatever wrapped the error; the stack
     * trace goes to the log (and to the terminal with {@code --debug}).
     */
    static int outOfMemory(Throwable failure, OutOfMemoryError error, PrintWriter err) {
        SafeshiftException reported = OutOfMemory.describe(error, "running the command");
        try {
            LOG.error("out of memory", failure);
        } catch (RuntimeException | OutOfMemoryError ignored) {
            // the message below is what matters; the log may not have the memory to write
        }
        err.println("error: " + reported.getMessage());
        if (Logging.debugEnabled()) {
            failure.printStackTrace(err);
        }
        return reported.exitCode();
    }

    /**
     * A thread that died of an exception nobody handled. Out of memory, the process cannot be trusted
     * to go on (a dead heartbeat or lock guard would go unnoticed), so it says so and ends with exit
     * code 1; a migration resumes where it stopped. Anything else is logged.
     */
    static void uncaught(Thread thread, Throwable failure) {
        var outOfMemory = OutOfMemory.find(failure);
        if (outOfMemory.isEmpty()) {
            LOG.error("thread {} ended on an unexpected error", thread.getName(), failure);
            return;
        }
        int code = outOfMemory(failure, outOfMemory.get(), new PrintWriter(System.err, true));
        Runtime.getRuntime().halt(code);
    }
}
