package dev.safeshift.plan;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed, validated plan file. Nothing downstream reads YAML again.
 *
 * @param verify the verification schedule; empty when the plan schedules none
 * @param retry  how long transient failures are retried
 * @param stream thresholds for watching the change stream
 */
public record Plan(
        Path file,
        String name,
        Endpoint source,
        Endpoint target,
        List<TableSpec> tables,
        ControlSpec control,
        CopySettings copy,
        Optional<VerifySchedule> verify,
        RetrySettings retry,
        StreamSettings stream,
        List<Owner> owners) {

    public Plan {
        tables = List.copyOf(tables);
        owners = List.copyOf(owners);
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(stream, "stream");
    }

    /** A plan with the default {@code retry} and {@code stream} settings. */
    public Plan(Path file, String name, Endpoint source, Endpoint target, List<TableSpec> tables, ControlSpec control,
                CopySettings copy, Optional<VerifySchedule> verify, List<Owner> owners) {
        this(file, name, source, target, tables, control, copy, verify, RetrySettings.DEFAULTS, StreamSettings.DEFAULTS,
                owners);
    }

    /** The database holding the control store: the {@code control} endpoint, else the target. */
    public Endpoint controlEndpoint() {
        return control.endpoint().orElse(target);
    }
}
