package dev.safeshift.postgres;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.ColumnInfo;
import dev.safeshift.engine.TableMove;
import dev.safeshift.jdbc.Connections;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.QualifiedName;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * Empty copies of source tables' definitions, made with a move's own steps for tools that need the
 * definitions but no rows (safeshift check --trace): the table with its types, sequences, columns,
 * defaults, identity, generated columns and CHECK constraints ({@link TargetTables}), then its
 * primary key and indexes ({@link TargetIndexes}), unique and exclusion constraints and NOT VALID
 * checks, then the foreign keys among the copied tables, validated where the source's are
 * ({@link TargetForeignKeys}). The refusals only a move needs do not apply: a table without a
 * primary key is copied without one.
 *
 * <p>Like a move, the copy keeps its bookkeeping in schema {@code safeshift} of the target.
 */
public final class TableCopy {

    private TableCopy() {
    }

    /**
     * Copies the definitions of {@code tables} from {@code source} into {@code target}, under the same
     * names; returns what was left out and why (foreign keys to tables not copied, for one).
     */
    public static List<String> copyDefinitions(Endpoint source, Endpoint target, List<QualifiedName> tables) {
        try (Connection from = Connections.open(source, "source"); Connection to = Connections.open(target, "target")) {
            CopiedChunks.ensureExists(to);
            PendingKeys.ensureExists(to);
            List<TableMove> moves = new ArrayList<>();
            for (QualifiedName table : tables) {
                TableMove move = new TableMove(PostgresCatalog.describeDefinition(from, table), table);
                TargetTables.prepare(to, move, true, false);
                moves.add(move);
            }
            for (TableMove move : moves) {
                TargetIndexes.build(target, move, 1);
                TargetTables.finish(to, move);
            }
            return TargetForeignKeys.add(to, moves).notes();
        } catch (SQLException e) {
            throw new SafeshiftException(SafeshiftException.Kind.INTERNAL,
                    "PostgreSQL failed while copying table definitions: " + SqlErrors.describe(e), SqlErrors.redact(e));
        }
    }

    /**
     * Copies the rows of {@code table} that {@code sample} picks (a {@code TABLESAMPLE} clause, or
     * empty for all) from {@code from} into the table of the same name in {@code to}, which
     * {@link #copyDefinitions} made, piped through COPY as the backfill copies a chunk. Generated
     * columns are left to {@code to} to compute. Foreign keys and triggers do not fire where the user
     * may turn them off ({@link ReplicaRole}): rows sampled from two tables need not match.
     *
     * @return how many rows were copied
     */
    public static long copyRows(Endpoint from, Endpoint to, QualifiedName table, String sample) {
        try (Connection reader = Connections.open(from, "source"); Connection writer = Connections.open(to, "target")) {
            TableMove move = new TableMove(PostgresCatalog.describeDefinition(reader, table), table);
            String columns = Sql.columns(move.source().writtenColumns().stream().map(ColumnInfo::name).toList());
            boolean binary = SourceDefinition.of(move.source()).map(SourceDefinition::binaryCopy).orElse(true);
            String format = binary ? " (FORMAT binary)" : "";
            if (!binary) {
                ChunkCopier.textForm(reader);
                ChunkCopier.textForm(writer);
            }
            ReplicaRole.apply(writer);
            String read = "COPY (SELECT " + columns + " FROM " + Sql.table(table) + (sample.isEmpty() ? "" : " " + sample)
                    + ") TO STDOUT" + format;
            String write = "COPY " + Sql.table(table) + " (" + columns + ") FROM STDIN" + format;
            return ChunkCopier.pipe(reader.unwrap(PGConnection.class).getCopyAPI().copyOut(read),
                    writer.unwrap(PGConnection.class).getCopyAPI().copyIn(write), rows -> { });
        } catch (SQLException e) {
            throw new SafeshiftException(SafeshiftException.Kind.INTERNAL, "PostgreSQL failed while copying the rows of "
                    + table + ": " + SqlErrors.describe(e), SqlErrors.redact(e));
        }
    }
}
