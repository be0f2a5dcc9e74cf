package dev.safeshift.plan;

import java.util.List;
import java.util.Objects;

/**
 * A schema-qualified table name. Both parts are exact names, as the database stores them: an
 * unquoted name in the plan has already been folded to lower case, a quoted one kept as written.
 */
public record QualifiedName(String schema, String name) {

    public QualifiedName {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(name, "name");
        if (schema.isEmpty() || name.isEmpty()) {
            throw new IllegalArgumentException("a schema or table name cannot be empty");
        }
    }

    /**
     * Parses {@code schema.table}, or {@code table} in {@code defaultSchema}, written as SQL writes
     * names (see {@link SqlNames}): {@code "Sales Ops"."order-lines.2026"}, {@code Public.Orders}.
     *
     * @throws SqlNames.SyntaxException when the text is not such a name
     */
    public static QualifiedName parse(String text, String defaultSchema) {
        List<String> parts = SqlNames.parse(text, 2, "a table name");
        return parts.size() == 1 ? new QualifiedName(defaultSchema, parts.get(0))
                : new QualifiedName(parts.get(0), parts.get(1));
    }

    /**
     * The name as a plan or SQL would write it, which {@link #parse} reads back as this name: plain
     * {@code public.payments} when both parts are lower-case names that need no quotes, otherwise
     * both parts quoted, as in {@code "public"."Orders"}. Control store rows are keyed by this text.
     */
    @Override
    public String toString() {
        return SqlNames.isPlain(schema) && SqlNames.isPlain(name) ? schema + "." + name
                : SqlNames.quote(schema) + "." + SqlNames.quote(name);
    }
}
