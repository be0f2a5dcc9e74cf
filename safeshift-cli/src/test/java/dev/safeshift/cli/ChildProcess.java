package dev.safeshift.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** Runs `safeshift` as a real child process, the way a user or a service manager does. */
final class ChildProcess {

    private ChildProcess() {
    }

    /** Starts {@code safeshift args...} with its log in {@code directory} and its output appended to {@code output}. */
    static Process start(Path directory, Path output, Map<String, String> environment, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String[] command = new String[args.length + 6];
        command[0] = java;
        command[1] = "-Xmx512m";
        command[2] = "-cp";
        command[3] = System.getProperty("java.class.path");
        command[4] = "-Dsafeshift.log.dir=" + directory;
        command[5] = "dev.safeshift.cli.Main";
        System.arraycopy(args, 0, command, 6, args.length);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        return builder.start();
    }
}
