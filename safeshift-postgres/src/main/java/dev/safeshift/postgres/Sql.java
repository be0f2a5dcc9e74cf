package dev.safeshift.postgres;

import dev.safeshift.plan.QualifiedName;
import java.util.List;
import java.util.stream.Collectors;

/** Quoting for identifiers and literals. SQL text is never built by pasting unquoted values. */
public final class Sql {

    private Sql() {
    }

    public static String ident(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    public static String table(QualifiedName name) {
        return ident(name.schema()) + "." + ident(name.name());
    }

    public static String columns(List<String> names) {
        return names.stream().map(Sql::ident).collect(Collectors.joining(", "));
    }

    /**
     * A string literal. Safe with {@code standard_conforming_strings = on} (the default since
     * PostgreSQL 9.1, checked at preflight), where a backslash is an ordinary character.
     */
    public static String literal(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("NUL character in SQL literal");
        }
        return "'" + value.replace("'", "''") + "'";
    }
}
