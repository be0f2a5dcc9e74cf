package dev.safeshift.engine;

/**
 * A source column. {@code type} is the full declared type as the engine prints it
 * (e.g. {@code numeric(12,2)}, {@code text[]}); it is what the target column is created with.
 */
public record ColumnInfo(String name, String type, boolean nullable, String defaultExpression) {
}
