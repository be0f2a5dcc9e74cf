package dev.safeshift.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The row hash of verification, as SQL. For compared columns c_1..c_n (1-based positions):
 *
 * <pre>
 *   R   = E # G_1 # ... # G_n                           (# is bigint XOR)
 *   E   = hashint4extended(0, k # S(0))                 the row's existence
 *   G_i = step_i(value_i, k # S(i)), or for a NULL       the column's value, keyed by row and column
 *         hashint4extended(0, k # S(2048 + i))
 * </pre>
 *
 * S are the constants of {@link HashSlots}; k, the row's key material, is the key itself for a
 * single smallint, integer or bigint key, and otherwise a chain of the key columns' step hashes (the
 * key columns are then also G terms, so two keys with the same k still differ). Each step hashes an
 * exact encoding of its value with PostgreSQL's seeded lookup3 functions. Unlike PostgreSQL's record
 * hash, nothing here is linear in a column's hash: moving a value to another row or column changes
 * its seed, and a NULL has a term of its own. The argument for the bound on a miss is in
 * docs/verification.md; the rules per type are there too.
 */
final class RowHash {

    /** Built-in types hashed by their own exact hash function with a seed. */
    private static final Map<String, String> SEEDED = Map.ofEntries(
            Map.entry("int2", "hashint2extended"),
            Map.entry("int4", "hashint4extended"),
            Map.entry("char", "hashcharextended"),
            Map.entry("oid", "hashoidextended"),
            Map.entry("uuid", "uuid_hash_extended"),
            Map.entry("float4", "hashfloat4extended"), // -0 is 0, and every NaN is NaN: equal by design
            Map.entry("float8", "hashfloat8extended"),
            Map.entry("inet", "hashinetextended"),
            Map.entry("cidr", "hashinetextended"),
            Map.entry("macaddr", "hashmacaddrextended"),
            Map.entry("macaddr8", "hashmacaddr8extended"));

    /** Built-in types hashed by their binary send form, which is exact and independent of settings. */
    private static final Map<String, String> SENT = Map.ofEntries(
            Map.entry("timestamp", "timestamp_send"),
            Map.entry("timestamptz", "timestamptz_send"),
            Map.entry("time", "time_send"),
            Map.entry("timetz", "timetz_send"),
            Map.entry("interval", "interval_send"),
            Map.entry("money", "cash_send"),
            Map.entry("bit", "bit_send"),
            Map.entry("varbit", "varbit_send"),
            Map.entry("pg_lsn", "pg_lsn_send"));

    /** Types whose values PostgreSQL's record hash already hashes exactly as stored. */
    private static final Set<String> RECORD_EXACT = Set.of("date", "bytea");

    private static final Set<String> INTEGER_KEYS = Set.of("int2", "int4", "int8");

    private RowHash() {
    }

    /** The SQL of one hash step of a column's non-NULL value; {@code strict} when NULL gives NULL. */
    record Step(String sql, boolean strict) {
    }

    /** R for a row of {@code columns} (in the compared order) with key {@code primaryKey}. */
    static String sql(List<ColumnType> columns, List<String> primaryKey) {
        boolean integerKey = integerKey(columns, primaryKey);
        String key = keyMaterial(columns, primaryKey);
        List<String> terms = new ArrayList<>();
        terms.add("hashint4extended(0, " + seed(key, HashSlots.EXISTENCE) + ")");
        for (int i = 0; i < columns.size(); i++) {
            ColumnType column = columns.get(i);
            if (integerKey && primaryKey.contains(column.name())) {
                continue; // the key is the key material of every term: hashing it again adds nothing
            }
            int position = i + 1;
            Step step = step(column, seed(key, HashSlots.column(position)));
            String isNull = "hashint4extended(0, " + seed(key, HashSlots.nullOf(position)) + ")";
            terms.add(step.strict() ? "coalesce(" + step.sql() + ", " + isNull + ")"
                    : "CASE WHEN " + column.ref() + " IS NULL THEN " + isNull + " ELSE " + step.sql() + " END");
        }
        return "(" + String.join(" # ", terms) + ")";
    }

    /**
     * The key material: the key itself for one integer column (exact, so that below 2^52 no two
     * keys and slots share a seed), else the key columns' steps chained from slot 4095.
     */
    static String keyMaterial(List<ColumnType> columns, List<String> primaryKey) {
        if (integerKey(columns, primaryKey)) {
            ColumnType key = column(columns, primaryKey.get(0));
            return key.base().equals("int8") && !key.domain() ? key.ref() : "(" + value(key) + ")::int8";
        }
        String chain = HashSlots.literal(HashSlots.KEY_CHAIN);
        for (String name : primaryKey) {
            Step step = step(column(columns, name), chain);
            // key columns are never NULL, so every step here is defined
            chain = step.sql();
        }
        return chain;
    }

    static boolean integerKey(List<ColumnType> columns, List<String> primaryKey) {
        if (primaryKey.size() != 1) {
            return false;
        }
        ColumnType key = column(columns, primaryKey.get(0));
        return key.builtin() && INTEGER_KEYS.contains(key.base());
    }

    private static String seed(String key, int slot) {
        return "(" + key + " # " + HashSlots.literal(slot) + ")";
    }

    /** The column as its base type: a domain is hashed like the type it is over. */
    static String value(ColumnType column) {
        return column.domain() ? "(" + column.ref() + "::" + column.baseSql() + ")" : column.ref();
    }

    /** The step that hashes {@code column}'s value with {@code seed}. */
    static Step step(ColumnType column, String seed) {
        String v = value(column);
        String base = column.base();
        if (column.builtin()) {
            if (base.equals("int8")) {
                // hashint8extended folds the two halves together; hashing the high half on top makes it exact
                return new Step("hashint4extended((" + v + " >> 32)::int4, hashint8extended(" + v + ", " + seed + "))", true);
            }
            if (base.equals("bool")) {
                return new Step("hashint4extended(" + v + "::int4, " + seed + ")", true);
            }
            if (SEEDED.containsKey(base)) {
                return new Step(SEEDED.get(base) + "(" + v + ", " + seed + ")", true);
            }
            if (base.equals("text") || base.equals("varchar")) {
                return new Step("hashtextextended(" + v + " COLLATE \"C\", " + seed + ")", true); // bytes, whatever the collation
            }
            if (base.equals("name")) {
                return new Step("hashtextextended(" + v + "::text COLLATE \"C\", " + seed + ")", true);
            }
            if (base.equals("bpchar")) {
                return new Step("hashbpcharextended(" + v + " COLLATE \"C\", " + seed + ")", true); // padding is not data
            }
            if (base.equals("numeric")) {
                // a numeric(p,s) keeps its scale; an unconstrained numeric is compared without trailing zeros
                String exact = column.typmod() >= 0 ? v : "trim_scale(" + v + ")";
                return record("numeric_send(" + exact + ")", seed);
            }
            if (SENT.containsKey(base)) {
                return record(SENT.get(base) + "(" + v + ")", seed);
            }
            if (RECORD_EXACT.contains(base)) {
                return record(v, seed);
            }
            if (base.equals("jsonb")) {
                return text(v + "::text", seed); // jsonb's text is canonical: keys sorted, one space
            }
            if (base.equals("json")) {
                return text(v + "::jsonb::text", seed); // key order and white space are not data
            }
        }
        if (column.element().isPresent() && column.element().get().fixedOid() && column.element().get().typtype() == 'b') {
            // array_send writes whether the array has a null bitmap (byte 7), which equal arrays may
            // differ in (an element set over a NULL keeps it); the rest is exact
            return record("set_byte(array_send(" + v + "), 7, 0)", seed);
        }
        // enums by label, composites, ranges, extension types...: the text form, made canonical by the
        // comparer's session settings
        return text(v + "::text", seed);
    }

    private static Step record(String bytes, String seed) {
        return new Step("hash_record_extended(ROW(" + bytes + "), " + seed + ")", false);
    }

    private static Step text(String text, String seed) {
        return new Step("hashtextextended(" + text + " COLLATE \"C\", " + seed + ")", true);
    }

    private static ColumnType column(List<ColumnType> columns, String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no column " + name + " among the compared columns"));
    }
}
