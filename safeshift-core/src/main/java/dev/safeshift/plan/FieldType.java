package dev.safeshift.plan;

/**
 * The kinds of value a plan field can hold. Each kind carries the sentence the reference page
 * uses to explain it, so the page and the checks describe types the same way.
 */
public enum FieldType {
    STRING("string", "Text. Quotes are optional unless the text would otherwise read as a number, "
            + "`true`/`false` or `null`."),
    INTEGER("integer", "A whole number, written without quotes. Underscores may group digits: `250_000`."),
    DURATION("duration", "A length of time: a whole number and its unit, `s`, `m`, `h` or `d`. Units may be "
            + "combined, largest first, without spaces: `30s`, `15m`, `1h`, `2h30m`. No duration is longer than "
            + "`3650d` (ten years)."),
    SIZE("size", "An amount of data: a whole number and its unit, `kB`, `MB`, `GB` or `TB`, such as `512MB` or "
            + "`10GB` (a space between them is allowed, as in `10 GB`). Units count in 1024s, as PostgreSQL's `pg_size_pretty` does: `1GB` is 1024 MB."),
    PERCENT("percentage", "A number followed by `%`, such as `5%` or `0.5%`: more than 0% and at most 100%."),
    JDBC_URL("jdbc-url", "A JDBC connection URL starting with `jdbc:`, such as "
            + "`jdbc:postgresql://db.example.com:5432/shop`. It must not contain a password: use the "
            + "`password` field for that."),
    ENV_REFERENCE("env-reference", "`${VARIABLE_NAME}`: the value is read from that environment variable "
            + "when the plan is loaded. Secrets therefore never live in the plan file, which usually ends "
            + "up in version control."),
    TABLE_NAME("table-name", "`schema.table`, or just `table` for a table in the `public` schema, each name "
            + "written as in SQL. An unquoted name is a letter or `_`, then letters, digits, `_` or `$`, and is "
            + "folded to lower case: `Sales.Orders` is `sales.orders`. A name in double quotes is kept exactly, "
            + "and may hold any character (a quote is written twice, `\"\"`). In YAML, put such a value in single "
            + "quotes so the double quotes reach Safeshift: `source: '\"Sales Ops\".\"order-lines.2026\"'`."),
    COLUMN_NAME("column-name", "One name, written as in SQL like the parts of a table-name: `amount_cents` "
            + "(folded to lower case) or `'\"Amount (EUR)\"'` (exactly as written)."),
    CHOICE("choice", "One of the words listed for the field, such as `refuse`."),
    MAP("map", "Nested fields, indented under the field name."),
    LIST("list", "Entries, each on its own line starting with `- `, or written inline as `[a, b]`."),
    SQL_SCRIPTS("sql-scripts", "Either a list of SQL texts, each one statement or several, or the path of a "
            + "migration file or directory. Write SQL of more than one line as a block that keeps its lines: `- |`, "
            + "then the SQL on the lines below, indented (`>` and multi-line quoted text are refused: YAML would join "
            + "the lines, and a `--` comment would swallow the rest). A relative path is read from the plan file's "
            + "directory; a directory's files are Flyway versioned migrations, `V<version>__<description>.sql` such as "
            + "`V7_1__add_amount_check.sql`, run in version order.");

    private final String docName;
    private final String meaning;

    FieldType(String docName, String meaning) {
        this.docName = docName;
        this.meaning = meaning;
    }

    /** The name the reference page uses, such as {@code jdbc-url}. */
    public String docName() {
        return docName;
    }

    /** One or two sentences explaining how to write a value of this type. */
    public String meaning() {
        return meaning;
    }
}
