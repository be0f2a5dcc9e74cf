\set id random(1, 5000000)
DELETE FROM public.payments WHERE id = :id;
