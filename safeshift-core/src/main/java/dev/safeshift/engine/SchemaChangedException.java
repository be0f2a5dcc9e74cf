package dev.safeshift.engine;

import dev.safeshift.SafeshiftException;

/** A source table's columns changed while streaming; the stream stopped before the first change that showed it. */
public final class SchemaChangedException extends SafeshiftException {

    private final SchemaChange change;

    public SchemaChangedException(SchemaChange change) {
        super(Kind.SCHEMA_CHANGED, change.message());
        this.change = change;
    }

    public SchemaChange change() {
        return change;
    }
}
