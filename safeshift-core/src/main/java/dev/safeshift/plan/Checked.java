package dev.safeshift.plan;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.error.Mark;

/**
 * A value that passed the schema check, with the path and place it came from so later checks
 * (duplicates, environment variables) can still point at the line to fix.
 *
 * @param value a {@code String} (also an exact column name, a choice or a path), a {@code Long} (also a
 *              size in bytes), a {@code Duration}, a {@code Double} (a percentage), a {@link QualifiedName},
 *              a {@link ChangeScript} (SQL written in the plan), a {@code List<Checked>} or a
 *              {@code Map<String, Checked>}
 * @param mark  where the value was written; for defaults, where its section starts
 */
record Checked(Object value, String path, Mark mark) {

    /** The nested value called {@code key}, if it was written or has a default. */
    Optional<Checked> find(String key) {
        return Optional.ofNullable(map().get(key));
    }

    /** A nested value the schema guarantees: required, or with a default. */
    Checked get(String key) {
        return find(key).orElseThrow(() -> new IllegalStateException("schema gives no value for " + key));
    }

    String text() {
        return (String) value;
    }

    long number() {
        return (Long) value;
    }

    Duration duration() {
        return (Duration) value;
    }

    QualifiedName tableName() {
        return (QualifiedName) value;
    }

    double percent() {
        return (Double) value;
    }

    @SuppressWarnings("unchecked")
    List<Checked> items() {
        return (List<Checked>) value;
    }

    @SuppressWarnings("unchecked")
    Map<String, Checked> map() {
        return (Map<String, Checked>) value;
    }
}
