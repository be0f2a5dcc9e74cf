package dev.safeshift.postgres.review;

import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.Plan;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.postgres.check.trace.LockTracer;
import dev.safeshift.postgres.check.trace.ScratchDatabase;
import dev.safeshift.postgres.check.trace.TraceReport;
import dev.safeshift.postgres.parse.ParsedStatement;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code check --trace}: copies the tables the change touches (definitions only) to a scratch
 * database and runs every statement there, reading what the server really locks, rewrites and
 * scans. The scratch server is the one given, or an embedded PostgreSQL started for the trace,
 * whose version may differ from the source's: the report names the version traced on.
 */
final class Tracer {

    private final Plan plan;
    private final ChangeCheck.Tracing tracing;
    private final Consumer<String> progress;

    Tracer(Plan plan, ChangeCheck.Tracing tracing, Consumer<String> progress) {
        this.plan = plan;
        this.tracing = tracing;
        this.progress = progress;
    }

    TraceReport trace(List<ParsedStatement> statements, Collection<QualifiedName> tables) throws SQLException {
        if (tracing.scratchServer().isPresent()) {
            return traceOn(tracing.scratchServer().get(), statements, tables);
        }
        progress.accept("Starting an embedded PostgreSQL to trace on (pass --scratch to trace on a server of the "
                + "source's version) ...");
        try (EmbeddedPostgres server = EmbeddedPostgres.builder().setServerConfig("fsync", "off").start()) {
            return traceOn(Endpoint.of(server.getJdbcUrl("postgres", "postgres"), "postgres"), statements, tables);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start or stop the embedded PostgreSQL to trace on", e);
        }
    }

    private TraceReport traceOn(Endpoint scratch, List<ParsedStatement> statements, Collection<QualifiedName> tables)
            throws SQLException {
        progress.accept("Copying " + tables.size() + " table definition(s) to a scratch database on "
                + scratch.redactedUrl() + " and tracing each statement ...");
        List<QualifiedName> existing = new ArrayList<>(tables);
        try (ScratchDatabase database = ScratchDatabase.create(plan.source(), scratch, existing);
             Connection connection = database.connect()) {
            database.notes().forEach(note -> progress.accept("  " + note));
            return new LockTracer(database).report(connection, statements);
        }
    }

    /** "PostgreSQL 15.4" from {@code server_version_num} 150004. */
    static String versionText(int versionNum) {
        return "PostgreSQL " + versionNum / 10000 + "." + versionNum % 10000;
    }
}
