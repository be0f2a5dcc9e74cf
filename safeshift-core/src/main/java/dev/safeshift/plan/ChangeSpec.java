package dev.safeshift.plan;

import java.util.List;

/**
 * The plan's {@code change}: schema changes applied to the source tables in place, as SQL, in the
 * order they run (list order, or Flyway version order for a directory of migrations), and how
 * {@code safeshift run} applies them (the plan's {@code apply} section).
 */
public record ChangeSpec(List<ChangeScript> scripts, ApplySettings apply) {

    /** A change applied with the default settings. */
    public ChangeSpec(List<ChangeScript> scripts) {
        this(scripts, ApplySettings.DEFAULTS);
    }

    public ChangeSpec {
        java.util.Objects.requireNonNull(apply, "apply");
        scripts = List.copyOf(scripts);
        if (scripts.isEmpty()) {
            throw new IllegalArgumentException("a change has at least one script");
        }
    }
}
