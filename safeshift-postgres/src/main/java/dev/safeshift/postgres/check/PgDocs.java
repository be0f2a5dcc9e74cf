package dev.safeshift.postgres.check;

/** Links to the sections of the PostgreSQL documentation (version 17) that state each rule's lock or behaviour. */
final class PgDocs {

    private static final String BASE = "https://www.postgresql.org/docs/17/";

    static final String ALTER_TABLE = link("ALTER TABLE", "sql-altertable.html#SQL-ALTERTABLE-DESC");
    static final String ALTER_TABLE_NOTES = link("ALTER TABLE, Notes", "sql-altertable.html#SQL-ALTERTABLE-NOTES");
    static final String ALTER_TABLE_SET_NOT_NULL = link("ALTER TABLE, SET NOT NULL",
            "sql-altertable.html#SQL-ALTERTABLE-DESC-SET-DROP-NOT-NULL");
    static final String ALTER_TABLE_ADD_CONSTRAINT = link("ALTER TABLE, ADD table_constraint",
            "sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-TABLE-CONSTRAINT");
    static final String ALTER_TABLE_USING_INDEX = link("ALTER TABLE, ADD table_constraint_using_index",
            "sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-TABLE-CONSTRAINT-USING-INDEX");
    static final String ALTER_TABLE_VALIDATE = link("ALTER TABLE, VALIDATE CONSTRAINT",
            "sql-altertable.html#SQL-ALTERTABLE-DESC-VALIDATE-CONSTRAINT");
    static final String ALTER_TABLE_ATTACH = link("ALTER TABLE, ATTACH PARTITION",
            "sql-altertable.html#SQL-ALTERTABLE-ATTACH-PARTITION");
    static final String ALTER_TABLE_DETACH = link("ALTER TABLE, DETACH PARTITION",
            "sql-altertable.html#SQL-ALTERTABLE-DETACH-PARTITION");
    static final String EXPLICIT_LOCKING = link("Explicit Locking, Table-Level Locks",
            "explicit-locking.html#LOCKING-TABLES");
    static final String CREATE_INDEX_CONCURRENTLY = link("CREATE INDEX, Building Indexes Concurrently",
            "sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY");
    static final String CREATE_INDEX = link("CREATE INDEX", "sql-createindex.html");
    static final String DROP_INDEX = link("DROP INDEX", "sql-dropindex.html");
    static final String REINDEX = link("REINDEX", "sql-reindex.html");
    static final String CLUSTER = link("CLUSTER", "sql-cluster.html");
    static final String VACUUM = link("VACUUM", "sql-vacuum.html");
    static final String TRUNCATE = link("TRUNCATE", "sql-truncate.html");
    static final String DROP_TABLE = link("DROP TABLE", "sql-droptable.html");
    static final String DROP_SCHEMA = link("DROP SCHEMA", "sql-dropschema.html");
    static final String DROP_DATABASE = link("DROP DATABASE", "sql-dropdatabase.html");
    static final String LOCK = link("LOCK", "sql-lock.html");
    static final String REFRESH = link("REFRESH MATERIALIZED VIEW", "sql-refreshmaterializedview.html");
    static final String ALTER_DOMAIN = link("ALTER DOMAIN", "sql-alterdomain.html");
    static final String CREATE_DOMAIN = link("CREATE DOMAIN", "sql-createdomain.html");
    static final String ALTER_TYPE = link("ALTER TYPE", "sql-altertype.html");
    static final String CREATE_TABLE = link("CREATE TABLE", "sql-createtable.html");
    static final String PARTITIONING = link("Partition Maintenance", "ddl-partitioning.html#DDL-PARTITIONING-DECLARATIVE-MAINTENANCE");
    static final String LOCK_TIMEOUT = link("lock_timeout", "runtime-config-client.html#GUC-LOCK-TIMEOUT");
    static final String BEGIN = link("BEGIN", "sql-begin.html");
    static final String UPDATE = link("UPDATE", "sql-update.html");
    static final String DELETE = link("DELETE", "sql-delete.html");
    static final String NUMERIC_TYPES = link("Numeric Types", "datatype-numeric.html");
    static final String CHARACTER_TYPES = link("Character Types", "datatype-character.html");
    static final String DATETIME_TYPES = link("Date/Time Types", "datatype-datetime.html");
    static final String JSON_TYPES = link("JSON Types", "datatype-json.html");
    static final String IDENTITY = link("CREATE TABLE, GENERATED AS IDENTITY", "sql-createtable.html#SQL-CREATETABLE-PARMS-GENERATED-IDENTITY");
    static final String GENERATED_COLUMNS = link("Generated Columns", "ddl-generated-columns.html");
    static final String MULTICOLUMN_INDEXES = link("Multicolumn Indexes", "indexes-multicolumn.html");
    static final String IDENTIFIERS = link("Identifiers and Key Words", "sql-syntax-lexical.html#SQL-SYNTAX-IDENTIFIERS");
    static final String SEARCH_PATH = link("The Schema Search Path", "ddl-schemas.html#DDL-SCHEMAS-PATH");
    static final String ALTER_SCHEMA_OBJECT = link("ALTER TABLE, SET SCHEMA", "sql-altertable.html#SQL-ALTERTABLE-DESC-SET-SCHEMA");
    static final String SQL_COMMANDS = link("SQL Commands", "sql-commands.html");

    private PgDocs() {
    }

    private static String link(String title, String page) {
        return "[" + title + "](" + BASE + page + ")";
    }
}
