package dev.safeshift.postgres.check.trace;

import dev.safeshift.SafeshiftException;
import dev.safeshift.jdbc.Connections;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.postgres.Sql;
import dev.safeshift.postgres.TableCopy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Copies the definitions of source tables into an empty scratch database with the move engine's
 * own steps ({@link TableCopy}): the table with its types, sequences, columns, defaults, identity,
 * generated columns and CHECK constraints, its primary key and indexes, unique and exclusion
 * constraints and NOT VALID checks, then the foreign keys among the copied tables (validated where
 * the source's are). No DDL is generated here, so a copy is what a move would create. Before it,
 * the source's extensions and the sequences defaults use without owning them are created, which a
 * move expects the target to have; after it, the engine's bookkeeping tables are dropped, so that
 * the trace sees only the user's relations.
 *
 * <p>The tables stay empty: which locks a statement takes and whether it rewrites a table do not
 * depend on rows, and neither do the scans that validate, check or rebuild a whole table. What an
 * empty table hides is a read PostgreSQL never starts for want of rows: validating a foreign key
 * reads the referenced table only for referencing rows, so on an empty copy it is not seen.
 */
final class DefinitionCopy {

    private DefinitionCopy() {
    }

    /** Copies {@code tables}; returns what was left out and why (foreign keys to tables not copied, extensions). */
    static List<String> copy(Endpoint source, Endpoint scratch, List<QualifiedName> tables) throws SQLException {
        List<String> notes = new ArrayList<>();
        Map<String, String> extensions;
        List<String> sequences = new ArrayList<>();
        try (Connection from = Connections.open(source, "source")) {
            extensions = SourceTables.extensions(from);
            for (QualifiedName table : tables) {
                sequences.addAll(SourceTables.freeSequences(from, table));
            }
        }
        try (Connection to = Connections.open(scratch, "scratch"); Statement statement = to.createStatement()) {
            createExtensions(statement, extensions, notes);
            for (String sql : sequences) {
                statement.execute(sql);
            }
        }
        try {
            notes.addAll(TableCopy.copyDefinitions(source, scratch, tables));
        } catch (SafeshiftException e) {
            throw new SafeshiftException(e.kind(), "could not copy the tables' definitions into the scratch database "
                    + "with the move engine's steps: " + e.getMessage(), e);
        }
        try (Connection to = Connections.open(scratch, "scratch"); Statement statement = to.createStatement()) {
            dropBookkeeping(statement, tables);
        }
        return List.copyOf(notes);
    }

    /**
     * The source's extensions, in the schemas they live in there: a table's types, defaults and
     * index operator classes may need them. One the scratch server lacks is noted; a table that
     * needs it then fails to copy with the engine's message.
     */
    private static void createExtensions(Statement statement, Map<String, String> extensions, List<String> notes)
            throws SQLException {
        for (Map.Entry<String, String> extension : extensions.entrySet()) {
            try {
                statement.execute("CREATE SCHEMA IF NOT EXISTS " + Sql.ident(extension.getValue()));
                statement.execute("CREATE EXTENSION IF NOT EXISTS " + Sql.ident(extension.getKey()) + " WITH SCHEMA "
                        + Sql.ident(extension.getValue()) + " CASCADE");
            } catch (SQLException e) {
                notes.add("The extension " + extension.getKey() + " of the source could not be created in the scratch "
                        + "database: " + LockTracer.message(e));
            }
        }
    }

    /** The engine's own tables in schema safeshift; the schema goes too unless the user's tables live there. */
    private static void dropBookkeeping(Statement statement, List<QualifiedName> tables) throws SQLException {
        for (String table : List.of("copied_chunk", "pending_key")) {
            if (!tables.contains(new QualifiedName("safeshift", table))) {
                statement.execute("DROP TABLE IF EXISTS safeshift." + table);
            }
        }
        if (tables.stream().noneMatch(t -> t.schema().equals("safeshift"))) {
            statement.execute("DROP SCHEMA IF EXISTS safeshift");
        }
    }
}
