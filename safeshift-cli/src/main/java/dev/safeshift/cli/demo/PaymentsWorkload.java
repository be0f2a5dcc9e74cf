package dev.safeshift.cli.demo;

import dev.safeshift.router.RoutedConnection;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An application writing to the payments table at a steady rate: inserts, updates and deletes,
 * optionally primary-key changes, each in its own transaction on a connection of its own, as a
 * busy service with a pool does. It can be moved to another {@link DataSource} while it runs (to
 * the routing DataSource once the migration streams), keeps the keys of the inserts the database
 * acknowledged, and can be told to break one query pattern on the target.
 */
public final class PaymentsWorkload implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PaymentsWorkload.class);

    private final AtomicReference<DataSource> connections;
    private final int writesPerSecond;
    private final boolean primaryKeyUpdates;
    private final AtomicLong nextId;
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final Set<Long> acknowledgedInserts = ConcurrentHashMap.newKeySet();
    /** Keys the workload itself deleted or changed, acknowledged: they are not expected to be found. */
    private final Set<Long> removed = ConcurrentHashMap.newKeySet();
    /** On the target, one update in this many fails (0: none). */
    private volatile int breakUpdatesOnTargetEvery;
    private volatile boolean running = true;
    private final Thread thread;

    public PaymentsWorkload(DataSource connections, long existingRows, int writesPerSecond, boolean primaryKeyUpdates) {
        this.connections = new AtomicReference<>(connections);
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

    /** From the next write on, connections come from {@code next}. */
    public void connectThrough(DataSource next) {
        connections.set(next);
    }

    /** From now on, one update in {@code every} fails on the target (division by zero); 0 stops it. */
    public void breakUpdatesOnTarget(int every) {
        breakUpdatesOnTargetEvery = every;
    }

    public long writes() {
        return writes.get();
    }

    public long failures() {
        return failures.get();
    }

    /** The keys the database acknowledged inserting that the workload did not delete or change since. */
    public Set<Long> expectedKeys() {
        Set<Long> expected = new java.util.HashSet<>(acknowledgedInserts);
        expected.removeAll(removed);
        return expected;
    }

    private void loop() {
        long intervalNanos = 1_000_000_000L / writesPerSecond;
        long next = System.nanoTime();
        try {
            while (running) {
                try (Connection connection = connections.get().getConnection()) {
                    write(connection);
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
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("workload stopped", e);
        }
    }

    private void write(Connection connection) throws SQLException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int dice = random.nextInt(100);
        long existing = 1 + random.nextLong(Math.max(1, nextId.get() - 1));
        if (dice < 35) {
            long id = nextId.getAndIncrement();
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO public.payments VALUES (?, ?, ?, 'EUR', 'pending', gen_random_uuid(),
                           '{"channel":"api"}', now(), now())""")) {
                insert.setLong(1, id);
                insert.setLong(2, random.nextLong(100_000));
                insert.setBigDecimal(3, java.math.BigDecimal.valueOf(random.nextLong(100_000), 2));
                insert.executeUpdate();
            }
            acknowledgedInserts.add(id);
        } else if (dice < 85) {
            int every = breakUpdatesOnTargetEvery;
            boolean broken = every > 0 && onTarget(connection) && random.nextInt(every) == 0;
            try (PreparedStatement update = connection.prepareStatement(broken
                    ? "UPDATE public.payments SET status = 'settled', amount = amount / 0, updated_at = now() WHERE id = ?"
                    : "UPDATE public.payments SET status = 'settled', amount = amount + 1, updated_at = now() WHERE id = ?")) {
                update.setLong(1, existing);
                update.executeUpdate();
            }
        } else if (dice < 95 || !primaryKeyUpdates) {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM public.payments WHERE id = ?")) {
                delete.setLong(1, existing);
                if (delete.executeUpdate() == 1) {
                    removed.add(existing);
                }
            }
        } else {
            try (PreparedStatement rekey = connection.prepareStatement(
                    "UPDATE public.payments SET id = ?, updated_at = now() WHERE id = ?")) {
                long id = nextId.getAndIncrement();
                rekey.setLong(1, id);
                rekey.setLong(2, existing);
                if (rekey.executeUpdate() == 1) {
                    removed.add(existing);
                    acknowledgedInserts.add(id);
                }
            }
        }
    }

    private static boolean onTarget(Connection connection) {
        return connection instanceof RoutedConnection routed && routed.side() == dev.safeshift.router.Route.TARGET;
    }

    /** Stops writing and waits for the write in flight to finish. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }
}
