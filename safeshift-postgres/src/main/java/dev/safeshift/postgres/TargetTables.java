package dev.safeshift.postgres;

import dev.safeshift.engine.ColumnInfo;
import dev.safeshift.engine.TableInfo;
import dev.safeshift.engine.TableMove;
import dev.safeshift.postgres.SourceDefinition.CheckConstraint;
import dev.safeshift.postgres.SourceDefinition.ColumnSequence;
import dev.safeshift.postgres.SourceDefinition.NamedDefinition;
import dev.safeshift.postgres.SourceDefinition.SequenceReference;
import dev.safeshift.postgres.SourceDefinition.TypeDefinition;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Creates target tables the way a bulk load wants them: the table with its columns, defaults,
 * identity, sequences and CHECK constraints first; its primary key, secondary indexes, unique and
 * exclusion constraints and NOT VALID checks only after the backfill (building an index once is
 * far cheaper than maintaining it per row, and a NOT VALID check may not hold for old rows). A
 * table created without its key is recorded in {@link PendingKeys} in the same transaction.
 *
 * <p>Without a key the target cannot refuse a row copied twice, and it needs none: every chunk's
 * rows commit in one transaction with the chunk's mark ({@link ChunkCopier}), whose own key
 * (capture, table, chunk) refuses a second copy of the same chunk, and a restart copies only the
 * chunks without a mark. The change stream, which upserts by key, starts only after
 * {@link #finish} has built the key.
 */
final class TargetTables {

    private TargetTables() {
    }

    /**
     * Checks everything first, then creates the table and what it needs in one transaction, so a
     * failure leaves nothing behind. An existing table is checked instead of created. Returns the
     * rows deleted from an existing table whose rows may be replaced.
     */
    static long prepare(Connection target, TableMove move, boolean freshStart, boolean replaceExistingRows)
            throws SQLException {
        SourceDefinition definition = SourceDefinition.of(move.source()).orElse(null);
        List<TypeDefinition> types = Catalog.qualified(target, () -> {
            if (definition == null) {
                return List.of();
            }
            TargetCheck.requirements(target, move, definition);
            return TargetTypes.missing(target, move, definition);
        });
        if (PostgresCatalog.exists(target, move.target())) {
            TableInfo existing = PostgresCatalog.describeAll(target, move.target(), "target");
            boolean keyPending = existing.primaryKey().isEmpty() && PendingKeys.pending(target, move.target());
            TargetCheck.sameDefinition(move, existing, keyPending);
            if (freshStart && TargetCheck.holdsRows(target, move)) {
                if (!replaceExistingRows) {
                    throw TargetCheck.notEmpty(move);
                }
                try (Statement statement = target.createStatement()) {
                    return statement.executeLargeUpdate("DELETE FROM " + Sql.table(move.target()));
                }
            }
            return 0;
        }
        Catalog.executeAll(target, creation(move, definition, types));
        return 0;
    }

    /** The statements that create the table and the types and sequences it needs, in order. */
    static List<String> creation(TableMove move, SourceDefinition definition, List<TypeDefinition> types) {
        String table = Sql.table(move.target());
        Set<String> schemas = new LinkedHashSet<>();
        types.forEach(t -> schemas.add(t.schema()));
        schemas.add(move.target().schema());
        List<String> statements = new ArrayList<>();
        schemas.forEach(s -> statements.add("CREATE SCHEMA IF NOT EXISTS " + Sql.ident(s)));
        types.forEach(t -> statements.addAll(t.create()));
        List<String> elements = new ArrayList<>();
        List<String> owned = new ArrayList<>();
        for (ColumnInfo column : move.source().columns()) {
            Optional<ColumnSequence> sequence = definition == null ? Optional.empty()
                    : Optional.ofNullable(definition.sequences().get(column.name()));
            if (sequence.isPresent() && !sequence.get().identity()) {
                String name = sequenceName(move, sequence.get());
                statements.add("CREATE SEQUENCE " + name + " AS " + sequence.get().dataType() + " "
                        + sequence.get().options());
                owned.add("ALTER SEQUENCE " + name + " OWNED BY " + table + "." + Sql.ident(column.name()));
            }
            elements.add(columnDefinition(move, definition, column, sequence));
        }
        boolean keyAfterCopy = definition != null && definition.primaryKey() != null
                && definition.primaryKeyIndex() != null;
        if (definition == null || definition.primaryKey() == null) {
            if (!move.source().primaryKey().isEmpty()) { // only a copy of a definition (TableCopy) may have none
                elements.add("PRIMARY KEY (" + Sql.columns(move.source().primaryKey()) + ")");
            }
        } else if (!keyAfterCopy) {
            NamedDefinition key = definition.primaryKey();
            elements.add("CONSTRAINT " + key.name() + " " + key.definition());
        }
        if (definition != null) {
            for (CheckConstraint check : definition.checks()) {
                if (check.validated()) {
                    elements.add("CONSTRAINT " + check.name() + " " + check.definition());
                }
            }
        }
        statements.add("CREATE TABLE " + table + " (\n  " + String.join(",\n  ", elements) + ")");
        statements.addAll(owned);
        if (keyAfterCopy) {
            statements.add(PendingKeys.record(move.target()));
        }
        return statements;
    }

    private static String columnDefinition(TableMove move, SourceDefinition definition, ColumnInfo column,
                                           Optional<ColumnSequence> sequence) {
        StringBuilder out = new StringBuilder(Sql.ident(column.name())).append(' ').append(column.type());
        if (column.collation() != null) {
            out.append(" COLLATE ").append(column.collation());
        }
        if (column.generated()) {
            boolean virtual = definition != null && definition.virtualColumns().contains(column.name());
            out.append(" GENERATED ALWAYS AS (").append(column.generationExpression()).append(virtual ? ") VIRTUAL" : ") STORED");
        } else if (column.identity() != ColumnInfo.Identity.NONE) {
            out.append(column.identity() == ColumnInfo.Identity.ALWAYS ? " GENERATED ALWAYS" : " GENERATED BY DEFAULT")
                    .append(" AS IDENTITY");
            sequence.filter(ColumnSequence::identity).ifPresent(s -> out.append(" (").append(s.options()).append(')'));
        } else if (column.defaultExpression() != null) {
            out.append(" DEFAULT ").append(targetDefault(move, definition, column));
        }
        if (!column.nullable()) {
            out.append(" NOT NULL");
        }
        return out.toString();
    }

    /** A default naming a serial-style sequence names the copy of that sequence in the target's schema. */
    private static String targetDefault(TableMove move, SourceDefinition definition, ColumnInfo column) {
        String expression = column.defaultExpression();
        if (definition == null) {
            return expression;
        }
        for (SequenceReference reference : definition.columnDefaults().getOrDefault(column.name(), List.of())) {
            if (reference.ownedBy().isPresent()) {
                ColumnSequence sequence = definition.sequences().get(reference.ownedBy().get());
                expression = expression.replace(reference.literal() + "::regclass",
                        Sql.literal(sequenceName(move, sequence)) + "::regclass");
            }
        }
        return expression;
    }

    /** A serial-style column's sequence keeps its name, in the target table's schema. */
    static String sequenceName(TableMove move, ColumnSequence sequence) {
        return Sql.ident(move.target().schema()) + "." + sequence.name();
    }

    /**
     * Adds the source's unique and exclusion constraints and NOT VALID checks to the target, skipping
     * those already there, then gathers planner statistics: a freshly loaded table has none until
     * autovacuum gets to it. Runs after {@link TargetIndexes} built the key and the indexes.
     */
    static void finish(Connection target, TableMove move) throws SQLException {
        String table = Sql.table(move.target());
        try (Statement statement = target.createStatement()) {
            Optional<SourceDefinition> found = SourceDefinition.of(move.source());
            if (found.isPresent()) {
                SourceDefinition definition = found.get();
                for (NamedDefinition constraint : definition.indexConstraints()) {
                    if (!hasConstraint(target, move, constraint.name())) {
                        statement.execute("ALTER TABLE " + table + " ADD CONSTRAINT " + constraint.name() + " "
                                + constraint.definition());
                    }
                }
                for (CheckConstraint check : definition.checks()) {
                    if (!check.validated() && !hasConstraint(target, move, check.name())) {
                        statement.execute("ALTER TABLE " + table + " ADD CONSTRAINT " + check.name() + " "
                                + check.definition());
                    }
                }
            }
            statement.execute("ANALYZE " + table);
        }
    }

    /** {@code quotedName} as {@code quote_ident} prints it. */
    static boolean hasConstraint(Connection target, TableMove move, String quotedName) throws SQLException {
        return Catalog.text(target, "SELECT 1 FROM pg_constraint WHERE conrelid = ?::regclass AND quote_ident(conname) = ?",
                Sql.table(move.target()), quotedName) != null;
    }
}
