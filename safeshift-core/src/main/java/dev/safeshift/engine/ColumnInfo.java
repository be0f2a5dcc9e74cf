package dev.safeshift.engine;

import java.util.Objects;

/**
 * A source column. {@code type} is the full declared type as the engine prints it
 * (e.g. {@code numeric(12,2)}, {@code text[]}); it is what the target column is created with and
 * what values are cast to.
 *
 * @param defaultExpression    the column's default as SQL text, or {@code null}
 * @param collation            the column's collation when it is not its type's default, as SQL text
 *                             ready to follow {@code COLLATE}, or {@code null}
 * @param identity             whether the database generates the column's values from a sequence
 * @param generationExpression for a generated column, the expression the database computes it
 *                             from (the target computes it again; its values are never copied);
 *                             otherwise {@code null}
 */
public record ColumnInfo(String name, String type, boolean nullable, String defaultExpression, String collation,
                         Identity identity, String generationExpression) {

    /** Identity columns: SQL's {@code GENERATED ALWAYS / BY DEFAULT AS IDENTITY}. */
    public enum Identity { NONE, ALWAYS, BY_DEFAULT }

    public ColumnInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(identity, "identity");
    }

    /** A plain column: no particular collation, no identity, not generated. */
    public ColumnInfo(String name, String type, boolean nullable, String defaultExpression) {
        this(name, type, nullable, defaultExpression, null, Identity.NONE, null);
    }

    /** Whether the database computes this column: it is left out of every write. */
    public boolean generated() {
        return generationExpression != null;
    }
}
