package dev.safeshift.postgres.rehearse;

import dev.safeshift.SafeshiftException;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.postgres.check.trace.ScratchDatabase;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The scratch databases a rehearsal has on the scratch server at any moment. They hold rows
 * sampled from production, so a rehearsal being stopped drops them all ({@link #dropAll}); a
 * database being created when the stop comes is waited for and dropped too, and none is created
 * after it.
 */
final class ScratchDatabases {

    private final Endpoint source;
    private final Endpoint server;
    private final Set<ScratchDatabase> open = new HashSet<>();
    private boolean stopping;

    ScratchDatabases(Endpoint source, Endpoint server) {
        this.source = source;
        this.server = server;
    }

    Endpoint server() {
        return server;
    }

    /** A new database with the definitions of {@code tables}; {@link #drop} it when done. */
    ScratchDatabase create(List<QualifiedName> tables) {
        synchronized (open) {
            if (stopping) {
                throw new SafeshiftException(SafeshiftException.Kind.INTERNAL, "the rehearsal is being stopped");
            }
            ScratchDatabase database = ScratchDatabase.create(source, server, tables, "rehearse");
            open.add(database);
            return database;
        }
    }

    void drop(ScratchDatabase database) {
        try {
            database.close();
        } finally {
            synchronized (open) {
                open.remove(database);
            }
        }
    }

    /** Drops every database there is now, and refuses to create more; returns what could not be dropped and why. */
    List<String> dropAll() {
        List<String> failures = new ArrayList<>();
        synchronized (open) {
            stopping = true;
            for (ScratchDatabase database : open) {
                try {
                    database.close();
                } catch (RuntimeException e) {
                    failures.add(database.name() + ": " + e.getMessage());
                }
            }
            open.clear();
        }
        return failures;
    }
}
