package dev.safeshift.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * The column types of {@link VerifierPropertyIT} and how their values are made. A value is a
 * function of a number x, {@code gen(x)}, and {@code gen(x)} differs from {@code gen(x + 1)}; two
 * values of a column are equal exactly when their {@link Type#token} is. Some rows hold NULL or
 * one of the type's special values instead ({@code NaN}, {@code '{}'}, {@code ''}, 0...).
 */
final class PropertyTypes {

    private PropertyTypes() {
    }

    /** SQL over a value: {@code {v}} is the column, {@code {x}} the number it was made from. */
    record Change(String name, String sql, LongPredicate appliesTo) {
    }

    /**
     * A column type.
     *
     * @param id         short name used in column names
     * @param sql        the type as declared
     * @param gen        SQL making a value from {@code {x}}
     * @param period     gen(x) equals gen(y) when x and y agree modulo this; 0 when gen never repeats
     * @param specials   special values, as SQL literals of the type
     * @param collisions changes that make a value another one that weak hashes confuse with it
     * @param alike      changes that leave a value equal by design (must never be reported)
     */
    record Type(String id, String sql, String gen, long period, List<String> specials, List<Change> collisions,
                List<Change> alike) {

        String gen(long x) {
            return gen.replace("{x}", Long.toString(x));
        }

        String token(long x) {
            return "v" + (period == 0 ? x : Math.floorMod(x, period));
        }

        /** The token of special value j: its own, or that of the made value it equals. */
        String specialToken(int j) {
            return switch (id) {
                case "bool" -> token(1); // false, as gen makes it for odd x
                case "bit" -> token(0); // B'00000000', as gen makes it for x divisible by 256
                default -> "s" + j;
            };
        }

        /** The array type of this one: two consecutive values; empty and all-NULL arrays as specials. */
        Type array() {
            long arrayPeriod = period; // (gen(x), gen(x + 1)) repeats when gen(x) does
            return new Type(id + "_arr", sql + "[]", "ARRAY[" + gen + ", " + gen.replace("{x}", "({x} + 1)") + "]::" + sql + "[]",
                    arrayPeriod, List.of("'{}'::" + sql + "[]", "ARRAY[NULL]::" + sql + "[]"), List.of(), List.of());
        }
    }

    private static Change change(String name, String sql) {
        return new Change(name, sql, x -> true);
    }

    /** Every scalar type the test covers; each also has its array type. */
    static List<Type> scalars() {
        List<Type> types = new ArrayList<>();
        types.add(new Type("i2", "smallint", "(({x}) % 30000 + 1)::smallint", 30000, List.of("0::smallint"), List.of(), List.of()));
        types.add(new Type("i4", "integer", "(({x})::int4 * 7 - 3)", 0, List.of("0"), List.of(), List.of()));
        types.add(new Type("i8", "bigint", "(({x})::int8 * 100003)", 0, List.of("0::int8"),
                // hashint8extended folds the halves: 1 and 2^32 hash alike
                List.of(new Change("high half", "{v} * 4294967296", x -> x < 20_000)), List.of()));
        types.add(new Type("num", "numeric", "round(({x}) * 1.37, 3)", 0,
                List.of("'NaN'::numeric", "'Infinity'::numeric", "'-Infinity'::numeric", "0::numeric"),
                List.of(change("sign", "-{v}")),
                List.of(change("trailing zeros", "round({v}, scale({v}) + 2)"))));
        types.add(new Type("num122", "numeric(12,2)", "round(({x}) * 1.37, 2)", 0,
                List.of("'NaN'::numeric", "0::numeric"), List.of(change("sign", "-{v}")), List.of()));
        types.add(new Type("f4", "real", "(({x}) * 0.37)::real", 0,
                List.of("'NaN'::real", "'Infinity'::real", "'-Infinity'::real", "0::real"), List.of(), List.of()));
        types.add(new Type("f8", "double precision", "(({x}) * 0.37::float8)", 0,
                List.of("'NaN'::float8", "'Infinity'::float8", "'-Infinity'::float8", "0::float8"), List.of(), List.of()));
        types.add(new Type("txt", "text", "('t' || ({x}) || ' ' || md5(({x})::text))", 0, List.of("''"), List.of(), List.of()));
        types.add(new Type("vc", "varchar(20)", "left('v' || ({x}) || '-' || md5(({x})::text), 20)", 0, List.of("''"),
                List.of(), List.of()));
        types.add(new Type("ch", "char(8)", "lpad(({x})::text, 6, 'c')", 0, List.of("''"), List.of(),
                List.of(change("padding", "rtrim({v}) || '  '"))));
        types.add(new Type("bool", "boolean", "(({x}) % 2 = 0)", 2, List.of("false"), List.of(), List.of()));
        types.add(new Type("date", "date", "(date '2000-01-01' + ({x})::int)", 0,
                List.of("'infinity'::date", "'-infinity'::date"), List.of(), List.of()));
        types.add(new Type("time", "time", "(time '00:00' + ({x}) * interval '1.000001 second')", 0,
                List.of("'00:00'::time"), List.of(), List.of()));
        types.add(new Type("timetz", "timetz",
                "(((time '00:00' + ({x}) * interval '1.000001 second')::text || '+0' || (({x}) % 9))::timetz)", 0,
                List.of("'00:00+00'::timetz"), List.of(), List.of()));
        types.add(new Type("ts", "timestamp", "(timestamp '2020-01-01' + ({x}) * interval '1.000001 second')", 0,
                List.of("'infinity'::timestamp", "'-infinity'::timestamp"), List.of(), List.of()));
        types.add(new Type("tstz", "timestamptz",
                "(timestamptz '2020-01-01 00:00:00+00' + ({x}) * interval '1.000001 second')", 0,
                List.of("'infinity'::timestamptz", "'-infinity'::timestamptz"), List.of(),
                List.of(change("other time zone", "(({v} AT TIME ZONE 'Asia/Kolkata')::text || ' Asia/Kolkata')::timestamptz"))));
        types.add(new Type("ivl", "interval", "make_interval(months => (({x}) % 3)::int, days => (({x}) % 40)::int, secs => ({x}) + 0.5)", 0,
                List.of("'0'::interval"),
                List.of(new Change("a day as 24 hours", "{v} - interval '1 day' + interval '24 hours'", x -> x % 40 >= 1),
                        new Change("a month as 30 days", "{v} - interval '1 mon' + interval '30 days'", x -> x % 3 >= 1)),
                List.of()));
        types.add(new Type("uuid", "uuid", "md5(({x})::text)::uuid", 0,
                List.of("'00000000-0000-0000-0000-000000000000'::uuid"), List.of(), List.of()));
        types.add(new Type("json", "json", "json_build_object('n', ({x}), 's', 'j' || ({x}))", 0,
                List.of("'{}'::json", "'[]'::json"), List.of(),
                List.of(change("key order and spaces", "('{ \"s\" : \"j' || ({x}) || '\",   \"n\" :' || ({x}) || ' }')::json"))));
        types.add(new Type("jsonb", "jsonb",
                "jsonb_build_object('n', ({x}) * 5, 'a', jsonb_build_array(jsonb_build_array(({x})), ({x}) + 1))", 0,
                List.of("'{}'::jsonb", "'[]'::jsonb"),
                List.of(change("sign", "jsonb_set({v}, '{n}', to_jsonb(-({v} ->> 'n')::numeric))"),
                        change("nesting", "jsonb_set({v}, '{a}', jsonb_build_array(({v} -> 'a' -> 0 ->> 0)::int, "
                                + "jsonb_build_array(({v} -> 'a' ->> 1)::int)))")),
                List.of(change("key order", "jsonb_build_object('n', {v} -> 'n', 'a', {v} -> 'a')"))));
        types.add(new Type("bytea", "bytea", "decode(md5(({x})::text), 'hex')", 0, List.of("''::bytea"), List.of(), List.of()));
        types.add(new Type("money", "money", "(({x}) * 1.25)::numeric::money", 0, List.of("0::money"), List.of(), List.of()));
        types.add(new Type("inet", "inet",
                "('10.' || (({x}) / 65536 % 256) || '.' || (({x}) / 256 % 256) || '.' || (({x}) % 256))::inet", 0,
                List.of("'0.0.0.0'::inet"), List.of(), List.of()));
        types.add(new Type("cidr", "cidr", "('10.' || (({x}) / 256 % 256) || '.' || (({x}) % 256) || '.0/24')::cidr", 65536,
                List.of("'0.0.0.0/0'::cidr"), List.of(), List.of()));
        types.add(new Type("mac", "macaddr", "('08:00:2b:' || lpad(to_hex((({x}) / 65536 % 256)::int), 2, '0') || ':' "
                + "|| lpad(to_hex((({x}) / 256 % 256)::int), 2, '0') || ':' || lpad(to_hex((({x}) % 256)::int), 2, '0'))::macaddr",
                0, List.of("'00:00:00:00:00:00'::macaddr"), List.of(), List.of()));
        types.add(new Type("bit", "bit(8)", "(({x}) % 256)::int::bit(8)", 256, List.of("B'00000000'"), List.of(), List.of()));
        types.add(new Type("vbit", "bit varying", "(({x}) % 1024)::int::bit(10)::varbit", 1024, List.of("B''::varbit"),
                List.of(), List.of()));
        types.add(new Type("point", "point", "point(({x}), ({x}) * 0.5)", 0, List.of("point(0, 0)"), List.of(), List.of()));
        types.add(new Type("tsv", "tsvector", "to_tsvector('simple', 'word' || ({x}) || ' other' || (({x}) % 7))", 0,
                List.of("''::tsvector"), List.of(), List.of()));
        types.add(new Type("xml", "xml", "xmlelement(name r, ({x}))", 0, List.of("''::xml"), List.of(), List.of()));
        types.add(new Type("i4r", "int4range", "int4range(({x})::int, ({x})::int + 10)", 0, List.of("'empty'::int4range"),
                List.of(), List.of()));
        types.add(new Type("mood", "mood", "(ARRAY['sad', 'ok', 'happy', 'meh']::mood[])[({x}) % 4 + 1]", 4, List.of(),
                List.of(), List.of()));
        types.add(new Type("amount", "amount", "round(({x}) * 0.25, 2)::amount", 0, List.of("0::amount"), List.of(), List.of()));
        types.add(new Type("pair", "pair", "ROW(({x})::int, 'p' || ({x}))::pair", 0, List.of("ROW(NULL, NULL)::pair"),
                List.of(), List.of()));
        return types;
    }

    /**
     * The user-defined types, made on each side. The enum's labels are added in another order on
     * the target, so their OIDs and sort positions differ while their labels are the same.
     */
    static List<String> definitions(boolean target) {
        List<String> sql = new ArrayList<>();
        if (target) {
            sql.add("CREATE TYPE mood AS ENUM ('meh', 'happy')");
            sql.add("ALTER TYPE mood ADD VALUE 'sad' BEFORE 'meh'");
            sql.add("ALTER TYPE mood ADD VALUE 'ok' AFTER 'sad'");
        } else {
            sql.add("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy', 'meh')");
        }
        sql.add("CREATE DOMAIN amount AS numeric(10,2) CHECK (VALUE >= 0)");
        sql.add("CREATE TYPE pair AS (a int, b text)");
        return sql;
    }

    /** Every column type: each scalar and its array type. */
    static List<Type> all() {
        List<Type> all = new ArrayList<>();
        for (Type type : scalars()) {
            all.add(type);
            all.add(type.array());
        }
        return all;
    }
}
