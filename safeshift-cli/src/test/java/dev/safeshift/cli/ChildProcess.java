package dev.safeshift.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs `safeshift` as a real child process, the way a user or a service manager does. */
final class ChildProcess {

    /** The launcher's default JVM options (see ./safeshift): the heap a user's daemon gets unless they change it. */
    static final List<String> LAUNCHER_OPTIONS = List.of("-Xmx256m", "-XX:TieredStopAtLevel=1");

    private ChildProcess() {
    }

    /** Starts {@code safeshift args...} with its log in {@code directory} and its output appended to {@code output}. */
    static Process start(Path directory, Path output, Map<String, String> environment, String... args) throws IOException {
        return start(directory, output, environment, List.of("-Xmx512m"), args);
    }

    /** As {@link #start(Path, Path, Map, String...)}, with the given JVM options (heap size and the like). */
    static Process start(Path directory, Path output, Map<String, String> environment, List<String> jvmOptions,
                         String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("-Dsafeshift.log.dir=" + directory);
        command.add("dev.safeshift.cli.Main");
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        return builder.start();
    }
}
