package dev.safeshift.cli.demo;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** A realistic payments table, filled in the database itself (generate_series) so it is fast. */
public final class PaymentsTable {

    public static final String DDL = """
            CREATE TABLE public.payments (
              id          bigint PRIMARY KEY,
              account_id  bigint NOT NULL,
              amount      numeric(12,2) NOT NULL,
              currency    char(3) NOT NULL,
              status      text NOT NULL,
              reference   uuid NOT NULL,
              metadata    jsonb,
              created_at  timestamptz NOT NULL,
              updated_at  timestamptz NOT NULL
            )""";

    private PaymentsTable() {
    }

    public static void create(Connection connection, long rows) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(DDL);
            statement.execute("""
                    INSERT INTO public.payments
                    SELECT g,
                           (g * 7919) % 100000,
                           round((random() * 1000)::numeric, 2),
                           (ARRAY['EUR', 'USD', 'GBP'])[1 + g % 3],
                           (ARRAY['pending', 'settled', 'refunded', 'failed'])[1 + g % 4],
                           gen_random_uuid(),
                           jsonb_build_object('channel', CASE WHEN g % 2 = 0 THEN 'web' ELSE 'pos' END, 'risk', g % 100),
                           now() - make_interval(secs => g),
                           now()
                      FROM generate_series(1, ROWS) AS g""".replace("ROWS", Long.toString(rows)));
            statement.execute("CREATE INDEX payments_account_idx ON public.payments (account_id)");
            statement.execute("ANALYZE public.payments");
        }
    }
}
