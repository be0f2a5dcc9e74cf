package dev.safeshift.plan;

import java.util.List;

/**
 * The plan's {@code change}: schema changes applied to the source tables in place, as SQL, in the
 * order they run (list order, or Flyway version order for a directory of migrations).
 */
public record ChangeSpec(List<ChangeScript> scripts) {

    public ChangeSpec {
        scripts = List.copyOf(scripts);
        if (scripts.isEmpty()) {
            throw new IllegalArgumentException("a change has at least one script");
        }
    }
}
