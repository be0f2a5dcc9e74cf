package dev.safeshift.postgres.check;

import dev.safeshift.plan.QualifiedName;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@link SchemaFacts} read from {@code pg_catalog} over a connection to the source, with read-only
 * queries. Names are resolved by the server ({@code to_regclass}, {@code to_regtype}) through the
 * connection's search path, each part passed as a parameter and quoted by the server, so quoted,
 * mixed-case and non-ASCII names resolve exactly as the script's session would resolve them. Each
 * answer is cached: one review asks about the same table many times.
 *
 * <p>The connection stays the caller's: it is used as it is and never closed.
 */
public final class PostgresSchemaFacts implements SchemaFacts {

    /** The text {@code to_regclass} and {@code to_regtype} read, each part quoted by the server. */
    private static final String QUALIFIED = "CASE WHEN ?::text IS NULL THEN quote_ident(?) "
            + "ELSE quote_ident(?) || '.' || quote_ident(?) END";

    private final Connection connection;
    private Integer serverVersion;
    private String creationSchema;
    private final Map<List<String>, Optional<Long>> relationOids = new HashMap<>();
    private final Map<Long, Optional<Table>> tables = new HashMap<>();
    private final Map<List<String>, Optional<QualifiedName>> indexTables = new HashMap<>();
    private final Map<List<String>, Optional<Type>> typesByName = new HashMap<>();
    private final Map<Long, Optional<Type>> typesByOid = new HashMap<>();
    private final Map<List<String>, Optional<Volatility>> functions = new HashMap<>();
    private final Map<List<String>, Optional<Volatility>> operators = new HashMap<>();
    private final Map<List<Long>, Boolean> binaryCoercions = new HashMap<>();
    private final Map<Long, List<QualifiedName>> typeUsers = new HashMap<>();
    private final Map<String, List<QualifiedName>> schemaTables = new HashMap<>();

    public PostgresSchemaFacts(Connection connection) {
        this.connection = connection;
    }

    @Override
    public int serverVersion() {
        if (serverVersion == null) {
            serverVersion = Integer.parseInt(single("SELECT current_setting('server_version_num')", List.of())
                    .orElseThrow());
        }
        return serverVersion;
    }

    @Override
    public String creationSchema() {
        if (creationSchema == null) {
            creationSchema = single("SELECT current_schema()", List.of()).orElse("public");
        }
        return creationSchema;
    }

    @Override
    public Optional<Table> table(Optional<String> schema, String name) {
        List<String> key = Arrays.asList(schema.orElse(null), name);
        Optional<Long> oid = relationOids.computeIfAbsent(key, k -> single(
                "SELECT to_regclass(" + QUALIFIED + ")::oid", qualifiedParameters(schema, name)).map(Long::parseLong));
        return oid.flatMap(o -> tables.computeIfAbsent(o, this::loadTable));
    }

    @Override
    public Optional<QualifiedName> tableOfIndex(Optional<String> schema, String index) {
        return indexTables.computeIfAbsent(Arrays.asList(schema.orElse(null), index), k -> query(
                "SELECT n.nspname, c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
                        + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE i.indexrelid = to_regclass(" + QUALIFIED + ")",
                qualifiedParameters(schema, index),
                rows -> rows.next() ? Optional.of(new QualifiedName(rows.getString(1), rows.getString(2)))
                        : Optional.empty()));
    }

    @Override
    public Optional<Type> type(List<String> names) {
        if (names.isEmpty() || names.size() > 2) {
            return Optional.empty();
        }
        Optional<String> schema = names.size() == 2 ? Optional.of(names.get(0)) : Optional.empty();
        String name = names.get(names.size() - 1);
        return typesByName.computeIfAbsent(List.copyOf(names), k -> single(
                "SELECT to_regtype(" + QUALIFIED + ")::oid", qualifiedParameters(schema, name))
                .flatMap(oid -> typeByOid(Long.parseLong(oid))));
    }

    @Override
    public Optional<Volatility> functionVolatility(List<String> names) {
        return functions.computeIfAbsent(List.copyOf(names), k -> volatility(names,
                "SELECT p.provolatile FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                        + "WHERE p.proname = ? AND CASE WHEN ?::text IS NULL THEN pg_function_is_visible(p.oid) "
                        + "ELSE n.nspname = ? END"));
    }

    @Override
    public Optional<Volatility> operatorVolatility(List<String> names) {
        return operators.computeIfAbsent(List.copyOf(names), k -> volatility(names,
                "SELECT p.provolatile FROM pg_operator o JOIN pg_proc p ON p.oid = o.oprcode "
                        + "JOIN pg_namespace n ON n.oid = o.oprnamespace WHERE o.oprname = ? AND "
                        + "CASE WHEN ?::text IS NULL THEN pg_operator_is_visible(o.oid) ELSE n.nspname = ? END"));
    }

    private Optional<Volatility> volatility(List<String> names, String sql) {
        if (names.isEmpty() || names.size() > 2) {
            return Optional.empty();
        }
        String schema = names.size() == 2 ? names.get(0) : null;
        return query(sql, Arrays.asList(names.get(names.size() - 1), schema, schema), rows -> {
            Optional<Volatility> most = Optional.empty();
            while (rows.next()) {
                Volatility volatility = Volatility.ofCode(rows.getString(1));
                if (most.isEmpty() || volatility.compareTo(most.get()) > 0) {
                    most = Optional.of(volatility);
                }
            }
            return most;
        });
    }

    @Override
    public boolean binaryCoercible(long source, long target) {
        return binaryCoercions.computeIfAbsent(List.of(source, target), k -> source == target || query(
                "SELECT 1 FROM pg_cast WHERE castsource = ? AND casttarget = ? AND castmethod = 'b'",
                List.of(source, target), ResultSet::next));
    }

    @Override
    public List<QualifiedName> tablesUsingType(long type) {
        return typeUsers.computeIfAbsent(type, t -> query(
                "SELECT DISTINCT n.nspname, c.relname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
                        + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE a.atttypid = ? AND a.attnum > 0 "
                        + "AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'm') ORDER BY 1, 2",
                List.of(type), PostgresSchemaFacts::names));
    }

    @Override
    public List<QualifiedName> tablesIn(String schema) {
        return schemaTables.computeIfAbsent(schema, s -> query("SELECT n.nspname, c.relname FROM pg_class c "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relkind IN ('r', 'p', 'm') "
                + "ORDER BY 2", List.of(schema), PostgresSchemaFacts::names));
    }

    private Optional<Table> loadTable(long oid) {
        return query("SELECT n.nspname, c.relname, c.relkind, c.reltuples::bigint, pg_relation_size(c.oid), "
                        + "pn.nspname, p.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                        + "LEFT JOIN pg_inherits i ON i.inhrelid = c.oid AND c.relispartition "
                        + "LEFT JOIN pg_class p ON p.oid = i.inhparent LEFT JOIN pg_namespace pn ON pn.oid = p.relnamespace "
                        + "WHERE c.oid = ?",
                List.of(oid), rows -> {
                    if (!rows.next()) {
                        return Optional.empty();
                    }
                    QualifiedName name = new QualifiedName(rows.getString(1), rows.getString(2));
                    RelationKind kind = RelationKind.ofCode(rows.getString(3));
                    long estimatedRows = rows.getLong(4);
                    long bytes = rows.getLong(5);
                    Optional<QualifiedName> parent = rows.getString(7) == null ? Optional.empty()
                            : Optional.of(new QualifiedName(rows.getString(6), rows.getString(7)));
                    Set<Integer> proven = provenNotNull(oid);
                    return Optional.of(new Table(name, kind, estimatedRows, bytes, columns(oid, proven),
                            constraints(oid), indexes(oid), referencedBy(oid), parent, partitions(oid),
                            updateTriggers(oid)));
                });
    }

    private List<Column> columns(long table, Set<Integer> proven) {
        List<Object[]> raw = query("SELECT a.attname, a.attnum, a.atttypid, a.atttypmod, format_type(a.atttypid, a.atttypmod), "
                        + "a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity <> '', a.attgenerated <> '', "
                        + "co.collname FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid "
                        + "AND d.adnum = a.attnum LEFT JOIN pg_collation co ON co.oid = a.attcollation "
                        + "WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
                List.of(table), rows -> {
                    List<Object[]> all = new ArrayList<>();
                    while (rows.next()) {
                        all.add(new Object[] {rows.getString(1), rows.getInt(2), rows.getLong(3), rows.getInt(4),
                                rows.getString(5), rows.getBoolean(6), rows.getString(7), rows.getBoolean(8),
                                rows.getBoolean(9), rows.getString(10)});
                    }
                    return all;
                });
        List<Column> columns = new ArrayList<>();
        for (Object[] c : raw) {
            int number = (Integer) c[1];
            Type type = typeByOid((Long) c[2]).orElseThrow();
            columns.add(new Column((String) c[0], number, type, (Integer) c[3], (String) c[4], (Boolean) c[5],
                    Optional.ofNullable((String) c[6]), (Boolean) c[7], (Boolean) c[8], Optional.ofNullable((String) c[9]),
                    proven.contains(number)));
        }
        return columns;
    }

    /** The columns the table's validated CHECK constraints prove not null (see {@link NotNullProof}). */
    private Set<Integer> provenNotNull(long table) {
        List<String> expressions = query("SELECT conbin FROM pg_constraint WHERE conrelid = ? AND contype = 'c' "
                + "AND convalidated AND conbin IS NOT NULL", List.of(table), rows -> {
                    List<String> all = new ArrayList<>();
                    while (rows.next()) {
                        all.add(rows.getString(1));
                    }
                    return all;
                });
        Set<Integer> proven = new java.util.HashSet<>();
        expressions.forEach(e -> proven.addAll(NotNullProof.provenColumns(e)));
        return proven;
    }

    private List<Constraint> constraints(long table) {
        return query("SELECT con.conname, con.contype, con.convalidated, "
                        + "ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, o) "
                        + "JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.o), "
                        + "rn.nspname, r.relname FROM pg_constraint con LEFT JOIN pg_class r ON r.oid = con.confrelid "
                        + "LEFT JOIN pg_namespace rn ON rn.oid = r.relnamespace WHERE con.conrelid = ? ORDER BY 1",
                List.of(table), rows -> {
                    List<Constraint> all = new ArrayList<>();
                    while (rows.next()) {
                        Optional<QualifiedName> references = rows.getString(6) == null ? Optional.empty()
                                : Optional.of(new QualifiedName(rows.getString(5), rows.getString(6)));
                        all.add(new Constraint(rows.getString(1), ConstraintKind.ofCode(rows.getString(2)),
                                rows.getBoolean(3), strings(rows.getArray(4)), references));
                    }
                    return all;
                });
    }

    private List<Index> indexes(long table) {
        return query("SELECT c.relname, i.indisunique, i.indisprimary, i.indisvalid, "
                        + "ARRAY(SELECT a.attname FROM unnest(i.indkey) k(n) JOIN pg_attribute a "
                        + "ON a.attrelid = i.indrelid AND a.attnum = k.n), i.indexprs IS NOT NULL "
                        + "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = ? ORDER BY 1",
                List.of(table), rows -> {
                    List<Index> all = new ArrayList<>();
                    while (rows.next()) {
                        all.add(new Index(rows.getString(1), rows.getBoolean(2), rows.getBoolean(3), rows.getBoolean(4),
                                strings(rows.getArray(5)), rows.getBoolean(6)));
                    }
                    return all;
                });
    }

    private List<ForeignKey> referencedBy(long table) {
        return query("SELECT con.conname, n.nspname, c.relname, "
                        + "ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a "
                        + "ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.o), "
                        + "ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a "
                        + "ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.o) "
                        + "FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid "
                        + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE con.confrelid = ? AND con.contype = 'f' "
                        + "ORDER BY 2, 3, 1",
                List.of(table), rows -> {
                    List<ForeignKey> all = new ArrayList<>();
                    while (rows.next()) {
                        all.add(new ForeignKey(rows.getString(1), new QualifiedName(rows.getString(2), rows.getString(3)),
                                strings(rows.getArray(4)), strings(rows.getArray(5))));
                    }
                    return all;
                });
    }

    private List<QualifiedName> partitions(long table) {
        return query("SELECT n.nspname, c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE i.inhparent = ? AND c.relispartition ORDER BY 1, 2",
                List.of(table), PostgresSchemaFacts::names);
    }

    /** Enabled user triggers with UPDATE among their events (bit 16 of tgtype); 'O' and 'A' fire in a normal session. */
    private List<String> updateTriggers(long table) {
        return query("SELECT tgname FROM pg_trigger WHERE tgrelid = ? AND NOT tgisinternal AND tgtype & 16 <> 0 "
                + "AND tgenabled IN ('O', 'A') ORDER BY 1", List.of(table), rows -> {
                    List<String> names = new ArrayList<>();
                    while (rows.next()) {
                        names.add(rows.getString(1));
                    }
                    return names;
                });
    }

    private Optional<Type> typeByOid(long oid) {
        Optional<Type> cached = typesByOid.get(oid);
        if (cached != null) {
            return cached;
        }
        Optional<Type> type = query("SELECT n.nspname, t.typname, t.typtype = 'd', t.typbasetype, t.typtypmod, "
                        + "EXISTS (SELECT 1 FROM pg_constraint c WHERE c.contypid = t.oid) OR t.typnotnull "
                        + "FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.oid = ?",
                List.of(oid), rows -> {
                    if (!rows.next()) {
                        return Optional.empty();
                    }
                    String schema = rows.getString(1);
                    String name = rows.getString(2);
                    if (!rows.getBoolean(3)) {
                        return Optional.of(new Type(oid, schema, name, false, false, oid, name, -1));
                    }
                    long underlying = rows.getLong(4);
                    int typmod = rows.getInt(5);
                    boolean constrained = rows.getBoolean(6);
                    Type base = typeByOid(underlying).orElseThrow();
                    return Optional.of(new Type(oid, schema, name, true, constrained || base.domainHasConstraints(),
                            base.baseOid(), base.baseName(), base.domain() && typmod < 0 ? base.baseTypmod() : typmod));
                });
        typesByOid.put(oid, type);
        return type;
    }

    private static List<String> qualifiedParameters(Optional<String> schema, String name) {
        return Arrays.asList(schema.orElse(null), name, schema.orElse(null), name);
    }

    private static List<QualifiedName> names(ResultSet rows) throws SQLException {
        List<QualifiedName> names = new ArrayList<>();
        while (rows.next()) {
            names.add(new QualifiedName(rows.getString(1), rows.getString(2)));
        }
        return names;
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : List.of((String[]) array.getArray());
    }

    private Optional<String> single(String sql, List<?> parameters) {
        return query(sql, parameters, rows -> rows.next() ? Optional.ofNullable(rows.getString(1)) : Optional.empty());
    }

    private interface Rows<T> {
        T read(ResultSet rows) throws SQLException;
    }

    private <T> T query(String sql, List<?> parameters, Rows<T> reader) {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                statement.setObject(i + 1, parameters.get(i));
            }
            try (ResultSet rows = statement.executeQuery()) {
                return reader.read(rows);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the schema of the source: " + e.getMessage(), e);
        }
    }
}
