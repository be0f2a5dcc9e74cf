package dev.safeshift.cli;

import dev.safeshift.plan.Endpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes plan files for tests, the way a user would. */
final class PlanFiles {

    private PlanFiles() {
    }

    static Path write(Path directory, String name, Endpoint source, Endpoint target, String table, String extra)
            throws IOException {
        String yaml = """
                name: %s
                source:
                  url: %s
                  user: %s
                target:
                  url: %s
                  user: %s
                tables:
                  - source: %s
                %s
                """.formatted(name, source.url(), source.user(), target.url(), target.user(), table, extra);
        Path file = directory.resolve(name + ".yaml");
        Files.writeString(file, yaml);
        return file;
    }
}
