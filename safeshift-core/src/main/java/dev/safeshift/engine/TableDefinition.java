package dev.safeshift.engine;

import java.util.List;

/**
 * What an engine read about a source table beyond its columns and key (constraints, sequences,
 * types it uses, ...) so that it can reproduce the table on the target. Only the engine that
 * described the table looks inside; the rest of Safeshift passes it along.
 */
public interface TableDefinition {

    /** Nothing beyond columns and key is known, e.g. for a table described by a test. */
    TableDefinition NONE = new TableDefinition() {
        @Override
        public String toString() {
            return "TableDefinition.NONE";
        }
    };

    /** Parts of the definition that will not be reproduced on the target, and why, for the user. */
    default List<String> notes() {
        return List.of();
    }
}
