-- The schema every line of corpus.yaml is reviewed against: created on the live servers (for the
-- schema facts and to run each line) and on the parser server (so queries can be analysed).
CREATE TYPE payment_status AS ENUM ('new', 'paid');
CREATE DOMAIN positive_int AS int CHECK (VALUE > 0);
CREATE DOMAIN plain_int AS int;
CREATE TABLE customers (id bigint PRIMARY KEY, name text, email varchar(50));
CREATE UNIQUE INDEX customers_email ON customers (email);
CREATE TABLE payments (
    id bigint PRIMARY KEY,
    customer_id bigint REFERENCES customers,
    amount int,
    note varchar(10),
    created timestamptz,
    status payment_status NOT NULL DEFAULT 'new',
    price numeric(10,2),
    code char(3),
    ts timestamp(3),
    qty positive_int,
    checked int CONSTRAINT checked_not_null CHECK (checked IS NOT NULL),
    positive int CONSTRAINT positive_check CHECK (positive > 0),
    pending int);
ALTER TABLE payments ADD CONSTRAINT pending_not_null CHECK (pending IS NOT NULL) NOT VALID;
CREATE INDEX payments_amount ON payments (amount);
CREATE INDEX payments_note ON payments (note);
CREATE TRIGGER payments_audit BEFORE UPDATE ON payments FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger();
CREATE TABLE audit (id bigint, customer_id bigint, payment_id bigint);
CREATE UNIQUE INDEX audit_id_idx ON audit (id);
ALTER TABLE audit ADD CONSTRAINT audit_payment_fk FOREIGN KEY (payment_id) REFERENCES payments NOT VALID;
CREATE TABLE audit_archive (id bigint, customer_id bigint, payment_id bigint);
CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE events_2026 (id bigint, at date);
CREATE MATERIALIZED VIEW payment_totals AS SELECT status, count(*) AS payments FROM payments GROUP BY status;
CREATE UNIQUE INDEX payment_totals_status ON payment_totals (status);
CREATE SCHEMA "Büro";
CREATE TABLE "Büro"."Zahlungen ä" (id bigint, "Betrag €" int);
INSERT INTO customers VALUES (1, 'Ada', 'ada@example.com');
INSERT INTO payments (id, customer_id, amount, note, created, price, code, ts, qty, checked, positive, pending)
    VALUES (1, 1, 10, 'first', now(), 1.50, 'abc', now(), 1, 1, 1, 1);
INSERT INTO audit VALUES (1, 1, 1);
INSERT INTO events VALUES (1, '2024-05-01'), (2, '2025-05-01');
INSERT INTO events_2026 VALUES (3, '2026-05-01');
INSERT INTO "Büro"."Zahlungen ä" VALUES (1, 100);
REFRESH MATERIALIZED VIEW payment_totals;
ANALYZE;
