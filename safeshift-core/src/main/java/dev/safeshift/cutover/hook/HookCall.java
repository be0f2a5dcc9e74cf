package dev.safeshift.cutover.hook;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs the hook once: its environment is the daemon's without the plan's secrets, plus the call's
 * variables; its standard input is closed; its output is kept up to a bound. A hook still running
 * at {@code killAt} is killed with every process it started that is still its descendant, so a
 * hook that hangs never holds a cutover longer than its limit.
 */
final class HookCall {

    /** How long the output of a hook that exited is waited for, in case something it started holds it open. */
    private static final long OUTPUT_GRACE_MILLIS = 1000;
    /** How long the output of a killed hook is waited for: its pipes close as its processes die. */
    private static final long KILLED_OUTPUT_MILLIS = 200;
    /** How long a killed process is given to be reaped. */
    private static final long REAP_MILLIS = 5000;

    private HookCall() {
    }

    /**
     * @param removed   variables of the daemon's environment the hook must not see (passwords)
     * @param variables the call's own variables, set over the daemon's
     * @throws IOException when the program cannot be started at all
     */
    static Result run(List<String> command, Path directory, Set<String> removed, Map<String, String> variables,
                      Instant killAt) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(name -> removed.contains(name) || name.startsWith(HookEnvironment.PREFIX));
        environment.putAll(variables);
        long started = System.nanoTime();
        Process process = builder.start();
        process.getOutputStream().close();
        BoundedOutput stdout = BoundedOutput.start(process.getInputStream(), "safeshift-hook-stdout-" + process.pid());
        BoundedOutput stderr = BoundedOutput.start(process.getErrorStream(), "safeshift-hook-stderr-" + process.pid());
        boolean exited;
        Duration elapsed;
        int killed = 0;
        try {
            exited = process.waitFor(Math.max(0, Duration.between(Instant.now(), killAt).toMillis()), TimeUnit.MILLISECONDS);
            elapsed = Duration.ofNanos(System.nanoTime() - started);
            if (!exited) {
                killed = killTree(process);
            }
        } catch (InterruptedException e) {
            killTree(process);
            throw e;
        }
        // one wait for both streams, so a stream held open costs the grace once
        long outputUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(exited ? OUTPUT_GRACE_MILLIS : KILLED_OUTPUT_MILLIS);
        String out = stdout.text(outputUntil);
        String err = stderr.text(outputUntil);
        return new Result(exited ? process.exitValue() : -1, !exited, killed, elapsed, out, err);
    }

    /**
     * Kills the process and its descendants, taken before it dies (they would be handed to init,
     * out of reach, once it is gone). Returns how many descendants there were.
     */
    private static int killTree(Process process) throws InterruptedException {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        process.waitFor(REAP_MILLIS, TimeUnit.MILLISECONDS);
        return descendants.size();
    }

    /**
     * How one call ended.
     *
     * @param exitCode    the exit status; meaningless when {@code killed}
     * @param killed      whether it was still running at its limit and was killed
     * @param descendants how many processes it had started that were killed with it
     * @param elapsed     from its start to its end (or its kill)
     * @param stdout      its standard output, trimmed and bounded
     * @param stderr      its standard error, trimmed and bounded
     */
    record Result(int exitCode, boolean killed, int descendants, Duration elapsed, String stdout, String stderr) {

        /** What the hook said: its standard error, or its standard output when that says nothing. */
        String said() {
            String text = !stderr.isEmpty() ? stderr : stdout;
            return text.isEmpty() ? "it wrote nothing on standard error or output" : text;
        }

        long millis() {
            return elapsed.toMillis();
        }
    }
}
