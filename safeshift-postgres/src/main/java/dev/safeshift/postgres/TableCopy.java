package dev.safeshift.postgres;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.TableMove;
import dev.safeshift.jdbc.Connections;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.QualifiedName;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

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
}
