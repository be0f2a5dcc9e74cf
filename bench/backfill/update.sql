\set id random(1, 5000000)
UPDATE public.payments SET amount = amount + 1, status = 'settled', updated_at = now() WHERE id = :id;
