\set id random(10000001, 2000000000)
INSERT INTO public.payments VALUES (:id, :id % 100000, 12.34, 'EUR', 'pending', gen_random_uuid(), '{"channel":"api"}', now(), now()) ON CONFLICT DO NOTHING;
