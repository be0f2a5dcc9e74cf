package dev.safeshift.plan;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The plan's {@code cutover.command} section: the hook program that moves the application's
 * traffic when Safeshift knows nothing of what carries it (a proxy, a service mesh, a feature
 * flag, a DNS record). See docs/switches.md for how it is called.
 *
 * @param program   the executable; a relative path was resolved against the plan file's directory
 * @param arguments passed to it as they are, one per argument (no shell reads them)
 * @param timeout   the longest one call may run before it is killed with the processes it started
 */
public record CommandSettings(Path program, List<String> arguments, Duration timeout) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** A hook is a process start and a call to something remote: less than this is no time at all. */
    public static final Duration MINIMUM_TIMEOUT = Duration.ofSeconds(1);
    /** As long as the longest write pause budget: a hook that needs longer holds the application too long. */
    public static final Duration MAXIMUM_TIMEOUT = CutoverSettings.MAXIMUM_WRITE_PAUSE_BUDGET;

    public CommandSettings {
        Objects.requireNonNull(program, "program");
        Objects.requireNonNull(timeout, "timeout");
        arguments = List.copyOf(arguments);
        if (timeout.compareTo(MINIMUM_TIMEOUT) < 0 || timeout.compareTo(MAXIMUM_TIMEOUT) > 0) {
            throw new IllegalArgumentException("the hook timeout is between " + Durations.format(MINIMUM_TIMEOUT)
                    + " and " + Durations.format(MAXIMUM_TIMEOUT) + ", not " + Durations.format(timeout));
        }
    }

    /** The program followed by its arguments, as the process is started. */
    public List<String> commandLine() {
        List<String> line = new ArrayList<>();
        line.add(program.toString());
        line.addAll(arguments);
        return List.copyOf(line);
    }
}
