package dev.safeshift.plan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Writes plan text to a file named plan.yaml, as users name it, and loads it. */
final class PlanFiles {

    static final Map<String, String> ENVIRONMENT = Map.of(
            "SOURCE_PGPASSWORD", "s3cret-source",
            "TARGET_PGPASSWORD", "s3cret-target",
            "CONTROL_PGPASSWORD", "s3cret-control",
            "PGBOUNCER_ADMIN_PASSWORD", "s3cret-pgbouncer");

    /** The smallest plan that loads. */
    static final String MINIMAL = """
            name: payments_move
            source:
              url: jdbc:postgresql://old-db:5432/shop
              user: migrator
            target:
              url: jdbc:postgresql://new-db:5432/shop
              user: migrator
            tables:
              - source: payments
            """;

    private PlanFiles() {
    }

    static Path write(Path dir, String yaml) {
        try {
            return Files.writeString(dir.resolve("plan.yaml"), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Plan load(Path dir, String yaml) {
        return PlanLoader.load(write(dir, yaml), ENVIRONMENT);
    }
}
