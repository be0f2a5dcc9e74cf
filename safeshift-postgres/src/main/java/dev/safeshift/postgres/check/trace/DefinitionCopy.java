package dev.safeshift.postgres.check.trace;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.Engine;
import dev.safeshift.engine.ForeignKeyStatus;
import dev.safeshift.engine.TableInfo;
import dev.safeshift.engine.TableMove;
import dev.safeshift.jdbc.Connections;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.plan.TableSpec;
import dev.safeshift.postgres.PostgresEngineProvider;
import dev.safeshift.postgres.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Copies the definitions of source tables into an empty scratch database with the move engine's
 * own steps, the ones a move takes before its backfill and after it: describe the source table,
 * create the target table (types, sequences, columns, defaults, identity, generated columns, valid
 * CHECK constraints), build its primary key and indexes and add its unique and exclusion
 * constraints and NOT VALID checks, then the foreign keys among the copied tables (validated where
 * the source's are). No DDL is generated here, so a copy is what a move would create. The engine's
 * bookkeeping tables are dropped afterwards, so that the trace sees only the user's relations.
 *
 * <p>The tables stay empty: locks, rewrites and the scans PostgreSQL starts do not depend on rows.
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
        Engine engine = new PostgresEngineProvider().create(source, scratch);
        try {
            List<TableMove> moves = new ArrayList<>();
            for (QualifiedName table : tables) {
                TableInfo described = engine.describeSource(new TableSpec(table, table, List.of()));
                TableMove move = new TableMove(described, table);
                engine.prepareTarget(move, true, false);
                engine.finishTarget(move, 1);
                moves.add(move);
            }
            ForeignKeyStatus foreignKeys = engine.addForeignKeys(moves);
            notes.addAll(foreignKeys.notes());
        } catch (SafeshiftException e) {
            throw new SafeshiftException(e.kind(), "could not copy the tables' definitions into the scratch database "
                    + "with the move engine: " + e.getMessage(), e);
        } finally {
            engine.close();
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
