package dev.safeshift.postgres;

import dev.safeshift.engine.ForeignKeyStatus;
import dev.safeshift.engine.TableMove;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.postgres.SourceDefinition.ForeignKey;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Foreign keys among the moved tables, created on the target after the backfill. They are added
 * NOT VALID (no scan, and no wait on rows copied in another order), then validated when the source
 * has them validated. Validation reads the table but does not block writes, so the change stream
 * keeps applying meanwhile. A backfill resumed after a restart copies chunks from different
 * snapshots and may briefly hold a child row whose parent arrives later with the stream: such a
 * foreign key stays NOT VALID until a later attempt succeeds.
 */
final class TargetForeignKeys {

    private static final String FOREIGN_KEY_VIOLATION = "23503";

    private TargetForeignKeys() {
    }

    static ForeignKeyStatus add(Connection target, List<TableMove> moves) throws SQLException {
        Map<QualifiedName, TableMove> bySource = new HashMap<>();
        moves.forEach(m -> bySource.put(m.source().name(), m));
        List<String> notes = new ArrayList<>();
        int notValidated = 0;
        for (TableMove move : moves) {
            Optional<SourceDefinition> definition = SourceDefinition.of(move.source());
            if (definition.isEmpty()) {
                continue;
            }
            for (ForeignKey key : definition.get().foreignKeys()) {
                TableMove referenced = bySource.get(key.referenced());
                String named = "The foreign key " + key.name() + " of " + move.source().name();
                if (referenced == null) {
                    notes.add(named + " is left out: it references " + key.referenced() + ", which the plan does not "
                            + "move. Create it once that table exists on the target.");
                    continue;
                }
                List<String> missing = key.referencedColumns().stream()
                        .filter(c -> !referenced.source().columnNames().contains(c)).toList();
                if (!missing.isEmpty()) {
                    notes.add(named + " is left out: it references column(s) " + String.join(", ", missing) + " of "
                            + key.referenced() + ", which the plan does not move.");
                    continue;
                }
                if (!create(target, move, referenced, key)) {
                    notValidated++;
                    notes.add(named + " is on the target but NOT VALID yet: some rows copied after a restart wait for "
                            + "the change stream to bring their referenced rows. It is validated again while streaming.");
                }
            }
        }
        return new ForeignKeyStatus(notes, notValidated);
    }

    /** Creates the key if missing and validates it if the source has; false if validation must wait. */
    private static boolean create(Connection target, TableMove move, TableMove referenced, ForeignKey key)
            throws SQLException {
        String table = Sql.table(move.target());
        try (Statement statement = target.createStatement()) {
            if (!TargetTables.hasConstraint(target, move, key.name())) {
                statement.execute("ALTER TABLE " + table + " ADD CONSTRAINT " + key.name() + " FOREIGN KEY ("
                        + Sql.columns(key.columns()) + ") REFERENCES " + Sql.table(referenced.target()) + " ("
                        + Sql.columns(key.referencedColumns()) + ")" + (key.actions().isEmpty() ? "" : " " + key.actions())
                        + " NOT VALID");
            }
            if (!key.validated() || validated(target, move, key)) {
                return true;
            }
            try {
                statement.execute("ALTER TABLE " + table + " VALIDATE CONSTRAINT " + key.name());
                return true;
            } catch (SQLException e) {
                if (FOREIGN_KEY_VIOLATION.equals(e.getSQLState())) {
                    return false;
                }
                throw e;
            }
        }
    }

    private static boolean validated(Connection target, TableMove move, ForeignKey key) throws SQLException {
        return "t".equals(Catalog.text(target, "SELECT convalidated FROM pg_constraint WHERE conrelid = ?::regclass "
                + "AND quote_ident(conname) = ?", Sql.table(move.target()), key.name()));
    }
}
