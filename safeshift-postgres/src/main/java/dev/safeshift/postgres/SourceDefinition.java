package dev.safeshift.postgres;

import dev.safeshift.engine.TableDefinition;
import dev.safeshift.plan.QualifiedName;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A source table's definition beyond columns and key, as read from PostgreSQL's catalog with every
 * name schema-qualified, restricted to what the moved columns need.
 *
 * @param primaryKey       the key constraint's name and definition ({@code PRIMARY KEY (...)})
 * @param primaryKeyIndex  the index behind the key, so the target can build it after the copy and then
 *                         make it the key; null when the source has no key constraint to read
 * @param checks           CHECK constraints; NOT VALID ones are added after the backfill
 * @param indexConstraints unique and exclusion constraints, built after the backfill
 * @param indexes          indexes that back no constraint, built after the backfill
 * @param foreignKeys      foreign keys; created on the target only when the referenced table is moved too
 * @param sequences        sequences of identity and serial-style columns, by column
 * @param columnDefaults   defaults that name a sequence, by column, to be pointed at the target's
 * @param types            enum, domain and composite types the columns use, dependencies first
 * @param requiredTypes    other types that are not built in and not from an extension: they must exist on the target
 * @param extensions       extensions whose types or operator classes the table uses, by name, with the
 *                         schema they live in on the source
 * @param requiredSequences sequences that defaults use without owning them: they must exist on the target
 * @param binaryCopy       whether the rows can travel in binary COPY format (no value embeds a type's id
 *                         that differs between databases, and every type has binary input and output)
 * @param usesMoney        whether a column holds money, whose text form depends on lc_monetary
 * @param partitioned      a declarative partitioned table (moved as one table)
 * @param virtualColumns   generated columns that are computed when read rather than stored
 * @param notes            what was left out and why, for the user
 */
record SourceDefinition(
        NamedDefinition primaryKey,
        Index primaryKeyIndex,
        List<CheckConstraint> checks,
        List<NamedDefinition> indexConstraints,
        List<Index> indexes,
        List<ForeignKey> foreignKeys,
        Map<String, ColumnSequence> sequences,
        Map<String, List<SequenceReference>> columnDefaults,
        List<TypeDefinition> types,
        List<String> requiredTypes,
        Map<String, String> extensions,
        List<String> requiredSequences,
        boolean binaryCopy,
        boolean usesMoney,
        boolean partitioned,
        Set<String> virtualColumns,
        List<String> notes) implements TableDefinition {

    SourceDefinition {
        checks = List.copyOf(checks);
        indexConstraints = List.copyOf(indexConstraints);
        indexes = List.copyOf(indexes);
        foreignKeys = List.copyOf(foreignKeys);
        sequences = Map.copyOf(sequences);
        columnDefaults = Map.copyOf(columnDefaults);
        types = List.copyOf(types);
        requiredTypes = List.copyOf(requiredTypes);
        extensions = Map.copyOf(extensions);
        requiredSequences = List.copyOf(requiredSequences);
        virtualColumns = Set.copyOf(virtualColumns);
        notes = List.copyOf(notes);
    }

    /** The definition read when the table was described; empty for a table known only by its columns and key. */
    static Optional<SourceDefinition> of(dev.safeshift.engine.TableInfo table) {
        return table.definition() instanceof SourceDefinition definition ? Optional.of(definition) : Optional.empty();
    }

    /** A constraint or object as {@code pg_get_constraintdef} prints it, with its name. */
    record NamedDefinition(String name, String definition) {
    }

    /** {@code definition} ends in NOT VALID when the source has not validated the constraint. */
    record CheckConstraint(String name, String definition, boolean validated) {
    }

    /** An index as {@code CREATE [UNIQUE] INDEX name ON table <using>}. */
    record Index(String name, boolean unique, String using) {
    }

    /**
     * A foreign key: {@code FOREIGN KEY (columns) REFERENCES referenced (referencedColumns) <actions>}.
     * {@code actions} holds the rest of the definition (match type, ON DELETE/UPDATE, DEFERRABLE).
     */
    record ForeignKey(String name, List<String> columns, QualifiedName referenced, List<String> referencedColumns,
                      String actions, boolean validated) {
    }

    /**
     * The sequence behind an identity or serial-style column. {@code options} is its definition as
     * sequence options ({@code START WITH ... CYCLE}); {@code name} and {@code dataType} matter for
     * serial-style columns, whose sequence is created in the target table's schema.
     */
    record ColumnSequence(boolean identity, String name, String dataType, String options) {
    }

    /**
     * A sequence named in a column's default, as the default spells it ({@code literal}, e.g.
     * {@code 'public.orders_id_seq'}); {@code ownedBy} the column whose serial-style sequence it is,
     * or empty for a sequence the default only uses.
     */
    record SequenceReference(String literal, String qualifiedName, Optional<String> ownedBy) {
    }

    /**
     * An enum, domain or composite type: the statements that create it, and the facts that must
     * be equal when the target already has a type of that name.
     */
    record TypeDefinition(String name, String schema, List<String> create, List<String> facts) {
    }
}
