package dev.safeshift.postgres.stream;

import dev.safeshift.plan.QualifiedName;

/** Identifier quoting: every name that reaches SQL text goes through here, never pasted raw. */
final class Sql {

    private Sql() {
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    static String quote(QualifiedName name) {
        return quote(name.schema()) + "." + quote(name.name());
    }
}
