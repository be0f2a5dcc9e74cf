package dev.safeshift.postgres.check;

import dev.safeshift.plan.QualifiedName;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the rules need to know about the live schema a script will run against: the same
 * statement is harmless or takes the table offline depending on the column's current type, the
 * check constraints that already exist, the volatility of a default's function. Names are looked
 * up as the server would look them up for the script's session, so an unqualified name follows
 * the search path.
 *
 * <p>Lookups return empty when the object does not exist; a rule that needs a fact it cannot get
 * assumes the expensive case and says so.
 */
public interface SchemaFacts {

    /** The source server's {@code server_version_num}, e.g. {@code 150004}. */
    int serverVersion();

    /**
     * The schema an unqualified {@code CREATE TABLE} puts its table in: the first schema of the
     * search path that exists ({@code current_schema()}).
     */
    String creationSchema();

    /**
     * The relation a statement names, as the server resolves it.
     *
     * @param schema the schema as written, empty for an unqualified name (resolved through the search path)
     * @param name   the name as written, already case-folded or unquoted by the parser
     */
    Optional<Table> table(Optional<String> schema, String name);

    /** The table an index belongs to, for statements that name only the index (DROP INDEX, REINDEX INDEX). */
    Optional<QualifiedName> tableOfIndex(Optional<String> schema, String index);

    /** A type as a statement names it ({@code ("pg_catalog" "varchar")}, {@code ("payment_status")}). */
    Optional<Type> type(List<String> names);

    /**
     * The volatility of a function called by name, the most volatile of its visible overloads
     * (the rules do not resolve argument types).
     */
    Optional<Volatility> functionVolatility(List<String> names);

    /** The volatility of an operator by name, the most volatile of its visible overloads. */
    Optional<Volatility> operatorVolatility(List<String> names);

    /** Whether a value of {@code source} is also a valid {@code target} without any conversion (pg_cast method 'b'). */
    boolean binaryCoercible(long source, long target);

    /** The tables, partitioned tables and materialized views in a schema (what DROP SCHEMA ... CASCADE drops). */
    List<QualifiedName> tablesIn(String schema);

    /** The tables with a column of the given type (for a domain: every table an ALTER DOMAIN checks). */
    List<QualifiedName> tablesUsingType(long type);

    /** A function's volatility, as {@code pg_proc.provolatile} records it. */
    enum Volatility {
        IMMUTABLE, STABLE, VOLATILE;

        public static Volatility ofCode(String code) {
            return switch (code) {
                case "i" -> IMMUTABLE;
                case "s" -> STABLE;
                default -> VOLATILE;
            };
        }
    }

    /** A relation's kind ({@code pg_class.relkind}). */
    enum RelationKind {
        TABLE, PARTITIONED_TABLE, VIEW, MATERIALIZED_VIEW, FOREIGN_TABLE, OTHER;

        public static RelationKind ofCode(String code) {
            return switch (code) {
                case "r" -> TABLE;
                case "p" -> PARTITIONED_TABLE;
                case "v" -> VIEW;
                case "m" -> MATERIALIZED_VIEW;
                case "f" -> FOREIGN_TABLE;
                default -> OTHER;
            };
        }
    }

    /**
     * A type: a base type, an enum, or a domain over another type.
     *
     * @param oid                  the type's OID on the source
     * @param schema               its schema
     * @param name                 its name ({@code varchar}, not {@code character varying})
     * @param domain               whether it is a domain
     * @param domainHasConstraints for a domain, whether it (or a domain it is based on) has CHECK or NOT NULL constraints
     * @param baseOid              the type under all domains; the type itself when not a domain
     * @param baseName             the name of that base type
     * @param baseTypmod           the type modifier a domain gives its base type, -1 when none
     */
    record Type(long oid, String schema, String name, boolean domain, boolean domainHasConstraints, long baseOid,
                String baseName, int baseTypmod) {

        public Type {
            Objects.requireNonNull(schema, "schema");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(baseName, "baseName");
        }

        /** Whether this is a type of PostgreSQL itself, such as {@code pg_catalog.int4}. */
        public boolean builtIn() {
            return "pg_catalog".equals(schema);
        }
    }

    /**
     * A column of an existing table.
     *
     * @param name           its name
     * @param number         its attribute number
     * @param type           its type
     * @param typmod         its type modifier ({@code atttypmod}), -1 when none
     * @param displayType    the type as {@code format_type} writes it, e.g. {@code character varying(10)}
     * @param notNull        whether it is marked NOT NULL
     * @param defaultValue   its default expression as the server prints it
     * @param identity       whether it is an identity column
     * @param generated      whether it is a generated column
     * @param collation      its collation's name, empty for types without one
     * @param provenNotNull  whether a validated CHECK constraint proves it is never null, which makes
     *                       SET NOT NULL skip its table scan (PostgreSQL 12 and later)
     */
    record Column(String name, int number, Type type, int typmod, String displayType, boolean notNull,
                  Optional<String> defaultValue, boolean identity, boolean generated, Optional<String> collation,
                  boolean provenNotNull) {

        public Column {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(displayType, "displayType");
            Objects.requireNonNull(defaultValue, "defaultValue");
            Objects.requireNonNull(collation, "collation");
        }
    }

    /** The kind of a table constraint ({@code pg_constraint.contype}). */
    enum ConstraintKind {
        CHECK, FOREIGN_KEY, PRIMARY_KEY, UNIQUE, EXCLUSION, NOT_NULL, TRIGGER;

        public static ConstraintKind ofCode(String code) {
            return switch (code) {
                case "c" -> CHECK;
                case "f" -> FOREIGN_KEY;
                case "p" -> PRIMARY_KEY;
                case "u" -> UNIQUE;
                case "x" -> EXCLUSION;
                case "n" -> NOT_NULL;
                default -> TRIGGER;
            };
        }
    }

    /**
     * A constraint of a table.
     *
     * @param references for a foreign key, the table it references
     */
    record Constraint(String name, ConstraintKind kind, boolean validated, List<String> columns,
                      Optional<QualifiedName> references) {

        public Constraint {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(kind, "kind");
            columns = List.copyOf(columns);
            Objects.requireNonNull(references, "references");
        }
    }

    /**
     * An index of a table.
     *
     * @param columns     the indexed columns by name; an expression has no name and is left out
     * @param expressions whether some keys are expressions
     */
    record Index(String name, boolean unique, boolean primary, boolean valid, List<String> columns,
                 boolean expressions) {

        public Index {
            Objects.requireNonNull(name, "name");
            columns = List.copyOf(columns);
        }
    }

    /** A foreign key of another table that references this one. */
    record ForeignKey(String name, QualifiedName table, List<String> columns, List<String> referencedColumns) {

        public ForeignKey {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(table, "table");
            columns = List.copyOf(columns);
            referencedColumns = List.copyOf(referencedColumns);
        }
    }

    /**
     * An existing relation and what the rules need to know about it.
     *
     * @param estimatedRows the planner's row estimate, -1 when the table was never analysed
     * @param bytes         the size of its main data file
     * @param parent        for a partition, its partitioned table
     * @param partitions    for a partitioned table, its partitions
     * @param referencedBy  foreign keys of other tables (or of itself) that reference it
     * @param updateTriggers its own triggers (not the server's internal ones) that an UPDATE of it
     *                       fires in a normal session
     */
    record Table(QualifiedName name, RelationKind kind, long estimatedRows, long bytes, List<Column> columns,
                 List<Constraint> constraints, List<Index> indexes, List<ForeignKey> referencedBy,
                 Optional<QualifiedName> parent, List<QualifiedName> partitions, List<String> updateTriggers) {

        public Table {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(kind, "kind");
            columns = List.copyOf(columns);
            constraints = List.copyOf(constraints);
            indexes = List.copyOf(indexes);
            referencedBy = List.copyOf(referencedBy);
            Objects.requireNonNull(parent, "parent");
            partitions = List.copyOf(partitions);
            updateTriggers = List.copyOf(updateTriggers);
        }

        public Optional<Column> column(String columnName) {
            return columns.stream().filter(c -> c.name().equals(columnName)).findFirst();
        }

        public Optional<Constraint> constraint(String constraintName) {
            return constraints.stream().filter(c -> c.name().equals(constraintName)).findFirst();
        }

        /** The foreign keys of other tables that reference the given column of this one. */
        public List<ForeignKey> referencing(String columnName) {
            return referencedBy.stream().filter(k -> k.referencedColumns().contains(columnName)).toList();
        }

        /** The indexes that have the column as a key or included column. */
        public List<Index> indexesOn(String columnName) {
            return indexes.stream().filter(i -> i.columns().contains(columnName)).toList();
        }

        /** Whether the table's rows are read when it is scanned; a partitioned table keeps its rows in its partitions. */
        public boolean holdsRows() {
            return kind == RelationKind.TABLE || kind == RelationKind.MATERIALIZED_VIEW;
        }
    }
}
