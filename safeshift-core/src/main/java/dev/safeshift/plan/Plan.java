package dev.safeshift.plan;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A parsed, validated plan file. Nothing downstream reads YAML again.
 *
 * @param verify the verification schedule; empty when the plan schedules none
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
        List<Owner> owners) {

    public Plan {
        tables = List.copyOf(tables);
        owners = List.copyOf(owners);
    }

    /** The database holding the control store: the {@code control} endpoint, else the target. */
    public Endpoint controlEndpoint() {
        return control.endpoint().orElse(target);
    }
}
