package dev.safeshift.plan;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The plan's {@code cutover.pgbouncer} section: the PgBouncer the application connects through,
 * and the entry of its configuration that a switch points at the source or the target.
 *
 * @param admin    PgBouncer's admin console (its database {@code pgbouncer}), and who connects to it
 * @param database the name of the entry in the {@code [databases]} section that the application connects to
 * @param config   the configuration file holding that entry; a relative path was resolved against the
 *                 plan file's directory
 */
public record PgBouncerSettings(Endpoint admin, String database, Path config) {

    public PgBouncerSettings {
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(config, "config");
    }
}
