package dev.safeshift.postgres;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.TableMove;
import dev.safeshift.postgres.SourceDefinition.TypeDefinition;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The enum, domain and composite types a moved table uses: those the target lacks are created
 * (dependencies first); those it has must be defined the same way, since values are read by the
 * target's definition.
 */
final class TargetTypes {

    private TargetTypes() {
    }

    /** The types to create; fails with every difference when a type exists with another definition. */
    static List<TypeDefinition> missing(Connection target, TableMove move, SourceDefinition definition)
            throws SQLException {
        List<TypeDefinition> missing = new ArrayList<>();
        List<String> differences = new ArrayList<>();
        SourceTypes targetTypes = new SourceTypes(target);
        for (TypeDefinition wanted : definition.types()) {
            String oid = Catalog.text(target, "SELECT to_regtype(?)::oid::text", wanted.name());
            if (oid == null) {
                missing.add(wanted);
                continue;
            }
            TypeDefinition found = targetTypes.describe(Long.parseLong(oid));
            if (!found.facts().equals(wanted.facts())) {
                differences.add("type " + wanted.name() + " is " + String.join(", ", found.facts())
                        + " on the target, but " + String.join(", ", wanted.facts()) + " on the source");
            }
        }
        if (!differences.isEmpty()) {
            throw new SafeshiftException(SafeshiftException.Kind.TARGET_CONFLICT,
                    "the target database defines types that " + move.target() + " uses differently from the source:\n  - "
                            + String.join("\n  - ", differences) + "\nValues are read by the target's definition, so "
                            + "they must match. Nothing was created. Change the target's types to match (or drop them so "
                            + "Safeshift creates them), then run again.");
        }
        return missing;
    }
}
