package dev.safeshift.plan;

/** A schema-qualified table name such as {@code public.payments}. */
public record QualifiedName(String schema, String name) {

    /** Parses {@code schema.table}, or {@code table} in {@code defaultSchema}. */
    public static QualifiedName parse(String text, String defaultSchema) {
        int dot = text.indexOf('.');
        if (dot < 0) {
            return new QualifiedName(defaultSchema, text);
        }
        return new QualifiedName(text.substring(0, dot), text.substring(dot + 1));
    }

    @Override
    public String toString() {
        return schema + "." + name;
    }
}
