package dev.safeshift.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.safeshift.store.ControlStore;
import dev.safeshift.store.Phase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Daemons run as real processes for tests that kill them: each logs to a file of its own in one
 * directory, and whatever is still running when the test ends is killed.
 */
final class DaemonProcesses implements AutoCloseable {

    private final Path directory;
    private final List<Process> processes = new ArrayList<>();

    DaemonProcesses(Path directory) {
        this.directory = directory;
    }

    /** Starts {@code safeshift run planFile}, its output in {@code log}. */
    Process start(Path planFile, String log) throws Exception {
        Process daemon = ChildProcess.start(directory, directory.resolve(log), Map.of(), "run", planFile.toString());
        processes.add(daemon);
        return daemon;
    }

    /** Waits until migration {@code name} is in {@code phase}; fails with every daemon's output if the daemon died. */
    void awaitPhase(ControlStore store, String name, Phase phase, Process daemon) throws Exception {
        await().atMost(Duration.ofMinutes(2)).until(() -> !daemon.isAlive()
                || store.find(name).map(m -> m.phase() == phase).orElse(false));
        assertThat(daemon.isAlive()).as("daemon output: %s", logs()).isTrue();
    }

    /** The output of every daemon started here, file by file. */
    String logs() throws Exception {
        StringBuilder text = new StringBuilder();
        try (var files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                text.append(file.getFileName()).append(":\n").append(Files.readString(file)).append('\n');
            }
        }
        return text.toString();
    }

    @Override
    public void close() throws InterruptedException {
        for (Process process : processes) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
