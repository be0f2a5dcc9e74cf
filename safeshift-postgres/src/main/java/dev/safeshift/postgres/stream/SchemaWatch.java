package dev.safeshift.postgres.stream;

import dev.safeshift.engine.ColumnInfo;
import dev.safeshift.engine.SchemaChangedException;
import dev.safeshift.engine.TableMove;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.postgres.SchemaChanges;
import dev.safeshift.postgres.SchemaChanges.SourceColumn;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices at once when a change record's columns are not the move's: pgoutput sends the table's
 * description again before the first change after an ALTER TABLE, Debezium builds a new record schema
 * from it, and so every new schema of a table is compared with the move and with the source's catalog.
 *
 * <ul>
 *   <li>a column the record carries that the source has and the move lacks was added: the stream stops
 *       before the record ({@link SchemaChangedException}), unless the plan lists the moved columns;</li>
 *   <li>a column of the move the record lacks and the source no longer has was dropped (or renamed): stop;</li>
 *   <li>a column whose type on the source is no longer the move's was retyped: stop;</li>
 *   <li>a column of the move the record lacks that the source has was added after the record was
 *       written (a change streamed again after the column reached the target): the record is applied
 *       without it, and the target keeps what the column holds;</li>
 *   <li>a column the record carries that the source no longer has is passed over: it is gone there too.</li>
 * </ul>
 */
final class SchemaWatch {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaWatch.class);

    /** The source table's columns now. */
    interface Catalog {
        List<SourceColumn> columns(QualifiedName table);

        /** A catalog that has exactly the moves' columns. */
        static Catalog of(List<TableMove> moves) {
            return table -> {
                TableMove move = moves.stream().filter(m -> m.source().name().equals(table)).findFirst().orElseThrow();
                List<SourceColumn> columns = new ArrayList<>();
                for (ColumnInfo column : move.source().columns()) {
                    columns.add(new SourceColumn(columns.size() + 1, column.name(), column.type(), !column.nullable(),
                            column.defaultExpression(), null, false, false, column.type()));
                }
                return columns;
            };
        }
    }

    private final Catalog catalog;
    /** Per move (one instance per table), the last record schema seen and the move's columns it lacks. */
    private final Map<TableMove, Seen> last = new IdentityHashMap<>();

    private record Seen(Schema schema, Set<String> absent) {
    }

    SchemaWatch(Catalog catalog) {
        this.catalog = catalog;
    }

    /**
     * The move's columns a record with this schema does not carry and is applied without.
     *
     * @throws SchemaChangedException when the source table's columns changed
     */
    Set<String> absentColumns(TableMove move, Schema schema) {
        Seen seen = last.get(move);
        if (seen != null && seen.schema() == schema) {
            return seen.absent();
        }
        Set<String> absent = check(move, schema);
        last.put(move, new Seen(schema, absent));
        return absent;
    }

    private Set<String> check(TableMove move, Schema schema) {
        List<String> carried = new ArrayList<>();
        Set<String> absent = new LinkedHashSet<>();
        Set<String> matchedFields = new LinkedHashSet<>();
        for (ColumnInfo column : move.source().columns()) {
            Field field = schema.field(column.name());
            if (field == null) {
                field = schema.field(DebeziumNames.column(column.name()));
            }
            if (field == null) {
                absent.add(column.name());
            } else {
                carried.add(column.name());
                matchedFields.add(field.name());
            }
        }
        List<SourceColumn> now = catalog.columns(move.source().name());
        List<String> newOnSource = new ArrayList<>();
        List<String> gone = new ArrayList<>();
        for (Field field : schema.fields()) {
            if (matchedFields.contains(field.name())) {
                continue;
            }
            now.stream().filter(c -> c.name().equals(field.name()) || DebeziumNames.column(c.name()).equals(field.name()))
                    .findFirst().ifPresentOrElse(c -> newOnSource.add(c.name()), () -> gone.add(field.name()));
        }
        var change = SchemaChanges.forRecord(move, carried, absent, newOnSource, now);
        if (change.isPresent()) {
            throw new SchemaChangedException(change.get());
        }
        requireAddedLater(move, absent, carried, now);
        if (move.columnsListed() && !newOnSource.isEmpty()) {
            LOG.info("Column(s) {} of the source table {} are not in the plan's columns list: they are not moved",
                    newOnSource, move.source().name());
        }
        if (!gone.isEmpty()) {
            LOG.info("Changes of {} carry column(s) {} that the source table no longer has: their values are not applied",
                    move.source().name(), gone);
        }
        if (!absent.isEmpty()) {
            LOG.info("Changes of {} written before column(s) {} were added are applied without them",
                    move.source().name(), absent);
        }
        return Set.copyOf(absent);
    }

    /**
     * A column the record lacks but the source has must have been added after the record was written:
     * it then comes after every column the record carries. One that comes before was left out by
     * Debezium, which leaves out columns of types it cannot read; applying without it would lose it.
     * Generated columns are never in the log: the target computes them.
     */
    private static void requireAddedLater(TableMove move, Set<String> absent, List<String> carried, List<SourceColumn> now) {
        int lastCarried = now.stream().filter(c -> carried.contains(c.name())).mapToInt(SourceColumn::number).max().orElse(0);
        for (SourceColumn column : now) {
            if (absent.contains(column.name()) && !column.generated() && column.number() < lastCarried) {
                throw new ValueConverter.UnsupportedValueException("column " + column.name() + " of " + move.key()
                        + " is missing from the change record; its type is probably not supported by the change "
                        + "stream (columns of unknown types are left out)");
            }
        }
    }
}
