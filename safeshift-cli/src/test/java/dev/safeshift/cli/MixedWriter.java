package dev.safeshift.cli;

import dev.safeshift.plan.Endpoint;
import dev.safeshift.testing.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The application of {@link EndToEndIT}: inserts, updates, deletes and key changes on all of its
 * tables, moves rows between partitions, rewrites 2 MB values and touches rows without touching
 * their large values, about 50 statements a second, until closed.
 */
final class MixedWriter implements AutoCloseable {

    private final Endpoint source;
    private final Random random;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong writes = new AtomicLong();
    private final Thread thread = new Thread(this::write, "mixed-writer");
    private volatile Throwable failure;
    private long next = 1;

    MixedWriter(Endpoint source, long seed) {
        this.source = source;
        this.random = new Random(seed ^ 0x5DEECE66DL);
    }

    MixedWriter start() {
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    long writes() {
        return writes.get();
    }

    private void write() {
        try (Connection connection = EmbeddedPostgres.connect(source); Statement statement = connection.createStatement()) {
            while (!stop.get()) {
                String sql = statement();
                try {
                    statement.execute(sql);
                    writes.incrementAndGet();
                } catch (SQLException e) {
                    if (!"23505".equals(e.getSQLState())) { // a key the writer picked twice
                        throw e;
                    }
                }
                Thread.sleep(20);
            }
        } catch (Throwable e) {
            failure = e;
        }
    }

    private String statement() {
        long id = 1 + random.nextInt(25_000);
        long fresh = 1_000_000 + next++;
        return switch (random.nextInt(5)) {
            case 0 -> switch (random.nextInt(4)) {
                case 0 -> "INSERT INTO public.kinds SELECT " + EndToEndIT.kindsRow(String.valueOf(fresh));
                case 1 -> "UPDATE public.kinds SET iv = iv + interval '1 hour', jb = jb || '{\"u\": 1}', md = 'happy',"
                        + " a_n = a_n || 1.0::numeric, pr = ROW('upd', -1)::pair WHERE id = " + id;
                case 2 -> "DELETE FROM public.kinds WHERE id = " + id;
                default -> "UPDATE public.kinds SET id = " + fresh + " WHERE id = " + id;
            };
            case 1 -> switch (random.nextInt(3)) {
                case 0 -> "INSERT INTO \"Sales Ops\".\"order-lines.2026\" VALUES (" + fresh + ", 3, 'ñew', 'SKU.N', true)";
                case 1 -> "UPDATE \"Sales Ops\".\"order-lines.2026\" SET \"Quantity\" = \"Quantity\" + 1,"
                        + " \"ünïcødé\" = 'chängé' WHERE \"Line No\" = " + id;
                default -> "DELETE FROM \"Sales Ops\".\"order-lines.2026\" WHERE \"Line No\" = " + id;
            };
            case 2 -> switch (random.nextInt(4)) {
                case 0 -> "INSERT INTO public.codes VALUES ('Ä new ' || " + fresh + ", 'fresh')";
                case 1 -> "UPDATE public.codes SET label = label || '+' WHERE code = (ARRAY['a', 'A', 'ä', 'Ä', 'a ', 'ß',"
                        + " 'ss', 'é', 'E', 'ǅ', 'o''q'])[1 + " + id + " % 11] || " + id;
                case 2 -> "DELETE FROM public.codes WHERE code = (ARRAY['a', 'A', 'ä', 'Ä', 'a ', 'ß', 'ss', 'é', 'E',"
                        + " 'ǅ', 'o''q'])[1 + " + id + " % 11] || " + id;
                default -> "UPDATE public.codes SET code = code || ' moved " + fresh + "' WHERE code = (ARRAY['a', 'A',"
                        + " 'ä', 'Ä', 'a ', 'ß', 'ss', 'é', 'E', 'ǅ', 'o''q'])[1 + " + id + " % 11] || " + id;
            };
            case 3 -> switch (random.nextInt(4)) {
                case 0 -> "INSERT INTO public.events VALUES (" + (40_000 + fresh) + ", 'new', now())";
                case 1 -> "UPDATE public.events SET kind = 'updated' WHERE id = " + id;
                case 2 -> "DELETE FROM public.events WHERE id = " + id;
                // from one partition into another
                default -> "UPDATE public.events SET id = " + (fresh + 10_000) + " WHERE id = " + id;
            };
            default -> random.nextInt(10) == 0
                    ? "UPDATE public.blobs SET version = version + 1, payload = repeat(md5(random()::text), 65536) WHERE id = "
                    + (1 + random.nextInt(12))
                    : "UPDATE public.blobs SET version = version + 1 WHERE id = " + (1 + random.nextInt(12));
        };
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join(30_000);
        if (failure != null) {
            throw new AssertionError("the writer failed", failure);
        }
    }
}
