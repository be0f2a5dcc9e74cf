package dev.safeshift.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How a source table's columns differ from the columns a move applies to the target: a schema
 * change made on the source after the move was described. Nothing about it is ever dropped
 * silently: the daemon applies it to the target when it can do so exactly ({@link #automatic()}),
 * and otherwise stops and says what to do ({@link #remedy}).
 *
 * @param move       the move as it stood when the change was noticed
 * @param added      columns the source has now and the move does not
 * @param dropped    columns of the move the source no longer has (dropped, or renamed to one of {@code added})
 * @param retyped    columns whose type changed
 * @param remedy     what the user runs so that the migration can go on, in the engine's SQL
 * @param targetShape the move with the columns the target has now, to stream with until the first
 *                   change that carries the new columns; empty when the change must be handled first
 */
public record SchemaChange(TableMove move, List<NewColumn> added, List<String> dropped, List<Retyped> retyped,
                           String remedy, Optional<TableMove> targetShape) {

    public SchemaChange {
        added = List.copyOf(added);
        dropped = List.copyOf(dropped);
        retyped = List.copyOf(retyped);
    }

    /**
     * A column the source gained.
     *
     * @param definition   its definition as the target will get it (type, collation, default, NOT NULL)
     * @param notAutomatic why the daemon cannot add it to the target itself, if it cannot
     */
    public record NewColumn(String name, String definition, Optional<String> notAutomatic) {
    }

    /** A column whose type is {@code to} on the source now, and {@code from} in the move. */
    public record Retyped(String name, String from, String to) {
    }

    public boolean isEmpty() {
        return added.isEmpty() && dropped.isEmpty() && retyped.isEmpty();
    }

    /** Only columns were added, each with a value for existing rows the target reproduces exactly. */
    public boolean automatic() {
        return !added.isEmpty() && dropped.isEmpty() && retyped.isEmpty()
                && added.stream().allMatch(column -> column.notAutomatic().isEmpty());
    }

    /** What changed, e.g. {@code column "note" (text DEFAULT 'x') added; column "n" changed from integer to bigint}. */
    public String summary() {
        List<String> parts = new ArrayList<>();
        for (NewColumn column : added) {
            parts.add("column " + quoted(column.name()) + " (" + column.definition() + ") added");
        }
        if (!dropped.isEmpty()) {
            parts.add((dropped.size() == 1 ? "column " : "columns ") + String.join(", ", dropped.stream()
                    .map(SchemaChange::quoted).toList()) + " dropped" + (added.isEmpty() ? "" : " or renamed"));
        }
        for (Retyped column : retyped) {
            parts.add("column " + quoted(column.name()) + " changed from " + column.from() + " to " + column.to());
        }
        return String.join("; ", parts);
    }

    /** The message for a change the daemon does not apply by itself. */
    public String message() {
        StringBuilder out = new StringBuilder("The columns of the source table " + move.source().name()
                + " changed while streaming: " + summary() + ".");
        for (NewColumn column : added) {
            column.notAutomatic().ifPresent(reason -> out.append(" Column ").append(quoted(column.name()))
                    .append(" is not added to the target by Safeshift: ").append(reason).append('.'));
        }
        out.append(" The target ").append(move.target()).append(" keeps every change up to the last one applied; ")
                .append("nothing after it is lost. To go on: ").append(remedy);
        return out.toString();
    }

    private static String quoted(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }
}
