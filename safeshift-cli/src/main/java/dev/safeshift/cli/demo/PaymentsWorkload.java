package dev.safeshift.cli.demo;

import dev.safeshift.jdbc.Connections;
import dev.safeshift.plan.Endpoint;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An application writing to the payments table at a steady rate: inserts, updates and deletes,
 * optionally primary-key changes, each in its own transaction, as a busy service would.
 */
public final class PaymentsWorkload implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PaymentsWorkload.class);

    private final Endpoint endpoint;
    private final int writesPerSecond;
    private final boolean primaryKeyUpdates;
    private final AtomicLong nextId;
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean running = true;
    private final Thread thread;

    public PaymentsWorkload(Endpoint endpoint, long existingRows, int writesPerSecond, boolean primaryKeyUpdates) {
        this.endpoint = endpoint;
        this.writesPerSecond = writesPerSecond;
        this.primaryKeyUpdates = primaryKeyUpdates;
        this.nextId = new AtomicLong(existingRows + 1);
        this.thread = new Thread(this::loop, "payments-workload");
        this.thread.setDaemon(true);
    }

    public PaymentsWorkload start() {
        thread.start();
        return this;
    }

    public long writes() {
        return writes.get();
    }

    public long failures() {
        return failures.get();
    }

    private void loop() {
        long intervalNanos = 1_000_000_000L / writesPerSecond;
        long next = System.nanoTime();
        try (Connection connection = Connections.open(endpoint, "source")) {
            try (PreparedStatement insert = connection.prepareStatement("""
                         INSERT INTO public.payments VALUES (?, ?, ?, 'EUR', 'pending', gen_random_uuid(),
                                '{"channel":"api"}', now(), now())""");
                 PreparedStatement update = connection.prepareStatement(
                         "UPDATE public.payments SET status = 'settled', amount = amount + 1, updated_at = now() WHERE id = ?");
                 PreparedStatement delete = connection.prepareStatement("DELETE FROM public.payments WHERE id = ?");
                 PreparedStatement rekey = connection.prepareStatement(
                         "UPDATE public.payments SET id = ?, updated_at = now() WHERE id = ?")) {
                while (running) {
                    try {
                        write(insert, update, delete, rekey);
                        writes.incrementAndGet();
                    } catch (SQLException e) {
                        failures.incrementAndGet();
                        LOG.debug("workload write failed", e);
                    }
                    next += intervalNanos;
                    long sleep = next - System.nanoTime();
                    if (sleep > 0) {
                        Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                    }
                }
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("workload stopped", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void write(PreparedStatement insert, PreparedStatement update, PreparedStatement delete,
                       PreparedStatement rekey) throws SQLException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int dice = random.nextInt(100);
        long existing = 1 + random.nextLong(Math.max(1, nextId.get() - 1));
        if (dice < 35) {
            long id = nextId.getAndIncrement();
            insert.setLong(1, id);
            insert.setLong(2, random.nextLong(100_000));
            insert.setBigDecimal(3, java.math.BigDecimal.valueOf(random.nextLong(100_000), 2));
            insert.executeUpdate();
        } else if (dice < 85) {
            update.setLong(1, existing);
            update.executeUpdate();
        } else if (dice < 95 || !primaryKeyUpdates) {
            delete.setLong(1, existing);
            delete.executeUpdate();
        } else {
            rekey.setLong(1, nextId.getAndIncrement());
            rekey.setLong(2, existing);
            rekey.executeUpdate();
        }
    }

    /** Stops writing and waits for the write in flight to finish. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }
}
