-- The table bench/rehearse changes: the payments table of `safeshift demo` with one integer column
-- more (attempts), for the int -> bigint change. :rows is the row count (a psql variable).
DROP TABLE IF EXISTS public.payments_base;
CREATE TABLE public.payments_base (
  id          bigint PRIMARY KEY,
  account_id  bigint NOT NULL,
  amount      numeric(12,2) NOT NULL,
  currency    char(3) NOT NULL,
  status      text NOT NULL,
  reference   uuid NOT NULL,
  metadata    jsonb,
  attempts    integer NOT NULL,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL
);
INSERT INTO public.payments_base
SELECT g,
       (g * 7919) % 100000,
       round((random() * 1000)::numeric, 2),
       (ARRAY['EUR', 'USD', 'GBP'])[1 + g % 3],
       (ARRAY['pending', 'settled', 'refunded', 'failed'])[1 + g % 4],
       gen_random_uuid(),
       jsonb_build_object('channel', CASE WHEN g % 2 = 0 THEN 'web' ELSE 'pos' END, 'risk', g % 100),
       1 + g % 5,
       now() - make_interval(secs => g),
       now()
  FROM generate_series(1::bigint, :rows) AS g;
CREATE INDEX payments_base_account_idx ON public.payments_base (account_id);
VACUUM ANALYZE public.payments_base;
