-- An empty table identical to the source (primary key and secondary index), for the raw COPY pipe.
DROP TABLE IF EXISTS public.payments_raw;
CREATE TABLE public.payments_raw (
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
CREATE INDEX payments_raw_account_idx ON public.payments_raw (account_id);
