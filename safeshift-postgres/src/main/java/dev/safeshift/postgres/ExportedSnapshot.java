package dev.safeshift.postgres;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.Snapshot;
import java.util.Objects;

/**
 * A snapshot exported by a source session ({@code pg_export_snapshot()}, or the one a logical
 * replication slot exports as it is created), which other sessions adopt with
 * {@code SET TRANSACTION SNAPSHOT} while the exporting session keeps it open.
 *
 * @param id the snapshot's name as PostgreSQL exported it
 */
record ExportedSnapshot(String id) implements Snapshot {

    ExportedSnapshot {
        Objects.requireNonNull(id, "id");
    }

    /** The exported name behind a snapshot this engine opened; one from elsewhere is a programming error. */
    static String idOf(Snapshot snapshot) {
        if (snapshot instanceof ExportedSnapshot exported) {
            return exported.id();
        }
        throw new SafeshiftException(SafeshiftException.Kind.INTERNAL, "the PostgreSQL engine was handed a snapshot it"
                + " did not open: " + (snapshot == null ? "none" : snapshot.describe()));
    }

    @Override
    public String describe() {
        return "PostgreSQL snapshot " + id;
    }
}
