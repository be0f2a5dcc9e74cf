-- The payments table of `safeshift demo` and of bench/backfill, filled in the database itself so
-- that millions of rows take seconds. :rows is the row count (a psql variable; the demo substitutes it).
DROP TABLE IF EXISTS public.payments;
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
);
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
  FROM generate_series(1::bigint, :rows) AS g;
CREATE INDEX payments_account_idx ON public.payments (account_id);
VACUUM ANALYZE public.payments;
