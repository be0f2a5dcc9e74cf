package dev.safeshift.cli;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** A table with a column of every type Safeshift moves, arrays included, NULLs and awkward text. */
final class AllTypesTable {

    static final String DDL = """
            CREATE TABLE public.everything (
              id    bigint PRIMARY KEY,
              small smallint,
              i     integer,
              big   bigint,
              n     numeric(20,6),
              nn    numeric,
              t     text,
              v     varchar(40),
              c     char(5),
              flag  boolean,
              tz    timestamptz,
              ts    timestamp,
              d     date,
              u     uuid,
              j     jsonb,
              bin   bytea,
              a_int integer[],
              a_big bigint[],
              a_num numeric[],
              a_txt text[],
              a_var varchar(10)[],
              a_chr char(2)[],
              a_bool boolean[],
              a_tz  timestamptz[],
              a_ts  timestamp[],
              a_date date[],
              a_uuid uuid[],
              a_json jsonb[],
              a_bin bytea[]
            )""";

    /** Column values for row {@code g}, as SQL expressions of g; every 7th row is all NULLs. */
    static String values(String g) {
        return """
                %1$s,
                CASE WHEN %1$s %% 7 = 0 THEN NULL ELSE (%1$s %% 30000)::smallint END,
                CASE WHEN %1$s %% 7 = 0 THEN NULL ELSE (%1$s %% 1000000)::int END,
                CASE WHEN %1$s %% 7 = 0 THEN NULL ELSE %1$s * 1000003 END,
                CASE WHEN %1$s %% 7 = 0 THEN NULL ELSE (%1$s / 7.0)::numeric(20,6) END,
                CASE WHEN %1$s %% 7 = 0 THEN NULL ELSE (%1$s::numeric / 3) END,
                CASE WHEN %1$s %% 7 = 0 THEN NULL WHEN %1$s %% 11 = 0 THEN '' ELSE 'text ' || md5(%1$s::text) || E' \\\\ '' " ü' END,
                CASE WHEN %1$s %% 7 = 0 THEN NULL ELSE left(md5(%1$s::text), 30) END,
                CASE WHEN %1$s %% 7 = 0 THEN NULL ELSE 'ab' END,
                CASE WHEN %1$s %% 7 = 0 THEN NULL ELSE %1$s %% 2 = 0 END,
                CASE WHEN %1$s %% 7 = 0 THEN NULL ELSE timestamptz '2024-01-01 00:00:00+00' + make_interval(secs => %1$s * 1.000001) END,
                CASE WHEN %1$s %% 7 = 0 THEN NULL ELSE timestamp '1999-12-31 23:59:59' + make_interval(secs => %1$s * 0.000123) END,
                CASE WHEN %1$s %% 7 = 0 THEN NULL ELSE date '2000-02-29' + (%1$s %% 10000)::int END,
                CASE WHEN %1$s %% 7 = 0 THEN NULL ELSE md5(%1$s::text)::uuid END,
                CASE WHEN %1$s %% 7 = 0 THEN NULL ELSE jsonb_build_object('k', %1$s, 'nested', jsonb_build_array(1, 'two', null)) END,
                CASE WHEN %1$s %% 7 = 0 THEN NULL ELSE decode(md5(%1$s::text), 'hex') END,
                CASE WHEN %1$s %% 7 = 0 THEN NULL ELSE ARRAY[%1$s::int, NULL, 3] END,
                CASE WHEN %1$s %% 7 = 0 THEN NULL ELSE ARRAY[%1$s, -9223372036854775808] END,
                CASE WHEN %1$s %% 7 = 0 THEN NULL ELSE ARRAY[1.50, %1$s / 3.0, NULL]::numeric[] END,
                CASE WHEN %1$s %% 7 = 0 THEN NULL ELSE ARRAY['a,b', 'quo"te', E'back\\\\slash', '{brace}', '', 'NULL', NULL, ' pad '] END,
                CASE WHEN %1$s %% 7 = 0 THEN NULL ELSE ARRAY['x', left(md5(%1$s::text), 8)]::varchar(10)[] END,
                CASE WHEN %1$s %% 7 = 0 THEN NULL ELSE ARRAY['a', 'bc']::char(2)[] END,
                CASE WHEN %1$s %% 7 = 0 THEN NULL ELSE ARRAY[true, NULL, false] END,
                CASE WHEN %1$s %% 7 = 0 THEN NULL ELSE ARRAY[timestamptz '2020-06-01 12:00:00.123456+02'] END,
                CASE WHEN %1$s %% 7 = 0 THEN NULL ELSE ARRAY[timestamp '2020-06-01 12:00:00.000001', NULL] END,
                CASE WHEN %1$s %% 7 = 0 THEN NULL ELSE ARRAY[date '2020-02-29'] END,
                CASE WHEN %1$s %% 7 = 0 THEN NULL ELSE ARRAY[md5(%1$s::text)::uuid] END,
                CASE WHEN %1$s %% 7 = 0 THEN NULL ELSE ARRAY['{"a": [1, 2]}'::jsonb, 'null'::jsonb] END,
                CASE WHEN %1$s %% 7 = 0 THEN NULL ELSE ARRAY['\\x00ff'::bytea, ''::bytea] END
                """.formatted(g);
    }

    static void create(Connection connection, long rows) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(DDL);
            statement.execute("INSERT INTO public.everything SELECT " + values("g") + " FROM generate_series(1::bigint, " + rows + ") AS g");
            statement.execute("CREATE INDEX everything_v_idx ON public.everything (v)");
            statement.execute("ANALYZE public.everything");
        }
    }
}
