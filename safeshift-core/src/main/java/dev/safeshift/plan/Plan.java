package dev.safeshift.plan;

import java.nio.file.Path;
import java.util.List;

/** A parsed, validated plan file. Nothing downstream reads YAML again. */
public record Plan(
        Path file,
        String name,
        Endpoint source,
        Endpoint target,
        List<TableSpec> tables,
        ControlSpec control,
        CopySettings copy,
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
