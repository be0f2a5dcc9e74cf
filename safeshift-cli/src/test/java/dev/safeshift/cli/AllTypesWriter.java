package dev.safeshift.cli;

import dev.safeshift.plan.Endpoint;
import dev.safeshift.testing.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes to {@link AllTypesTable} for as long as it runs: inserts, updates of every column (to new
 * values and to NULL), deletes and primary-key changes, each in its own transaction.
 */
final class AllTypesWriter implements AutoCloseable {

    private final Endpoint endpoint;
    private final AtomicLong nextId;
    private final int writesPerSecond;
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private volatile boolean running = true;
    private volatile Throwable failure;
    private final Thread thread = new Thread(this::loop, "all-types-writer");

    AllTypesWriter(Endpoint endpoint, long existingRows, int writesPerSecond) {
        this.endpoint = endpoint;
        this.nextId = new AtomicLong(existingRows + 1);
        this.writesPerSecond = writesPerSecond;
        thread.setDaemon(true);
    }

    AllTypesWriter start() {
        thread.start();
        return this;
    }

    long count(String kind) {
        return counts.getOrDefault(kind, new AtomicLong()).get();
    }

    private void loop() {
        long interval = 1_000_000_000L / writesPerSecond;
        long next = System.nanoTime();
        try (Connection connection = EmbeddedPostgres.connect(endpoint);
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO public.everything SELECT " + AllTypesTable.values("g") + " FROM (SELECT ?::bigint AS g) AS s");
             PreparedStatement update = connection.prepareStatement("UPDATE public.everything SET ("
                     + "small, i, big, n, nn, t, v, c, flag, tz, ts, d, u, j, bin, a_int, a_big, a_num, a_txt, a_var, a_chr, "
                     + "a_bool, a_tz, a_ts, a_date, a_uuid, a_json, a_bin) = (SELECT " + AllTypesTable.values("g").substring(
                     AllTypesTable.values("g").indexOf(',') + 1) + " FROM (SELECT ?::bigint AS g) AS s) WHERE id = ?");
             PreparedStatement touch = connection.prepareStatement(
                     "UPDATE public.everything SET t = repeat(md5(random()::text), 400), ts = clock_timestamp()::timestamp WHERE id = ?");
             PreparedStatement delete = connection.prepareStatement("DELETE FROM public.everything WHERE id = ?");
             PreparedStatement rekey = connection.prepareStatement("UPDATE public.everything SET id = ? WHERE id = ?")) {
            while (running) {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                long existing = 1 + random.nextLong(Math.max(1, nextId.get() - 1));
                int dice = random.nextInt(100);
                String kind;
                if (dice < 30) {
                    kind = "insert";
                    insert.setLong(1, nextId.getAndIncrement());
                    insert.executeUpdate();
                } else if (dice < 55) {
                    kind = "update";
                    // values of another row, or of a multiple of 7 (all NULLs)
                    update.setLong(1, random.nextInt(4) == 0 ? 7L * random.nextInt(1, 1000) : random.nextLong(1, 10_000_000));
                    update.setLong(2, existing);
                    update.executeUpdate();
                } else if (dice < 70) {
                    kind = "toast-update";
                    touch.setLong(1, existing);
                    touch.executeUpdate();
                } else if (dice < 85) {
                    kind = "delete";
                    delete.setLong(1, existing);
                    delete.executeUpdate();
                } else {
                    kind = "key-update";
                    rekey.setLong(1, nextId.getAndIncrement());
                    rekey.setLong(2, existing);
                    rekey.executeUpdate();
                }
                counts.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
                next += interval;
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                }
            }
        } catch (SQLException | RuntimeException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
        if (failure != null) {
            throw new IllegalStateException("the writer failed", failure);
        }
    }
}
