package dev.safeshift.run;

import dev.safeshift.SafeshiftException;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.DaemonLock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a running daemon honest about being alive and alone. Every few seconds it renews the
 * migration's heartbeat in the control store, and checks that the daemon still holds the
 * migration's lock: the lock lives in a database session, which a restarted server or an
 * administrator can end under the daemon. A lost lock is taken again at once; if another daemon
 * took it meanwhile, this one is told to stop, so two daemons never go on working side by side.
 */
final class DaemonGuard implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DaemonGuard.class);

    /** How often the heartbeat is renewed and the lock checked; status calls a daemon silent for 15 s unresponsive. */
    static final Duration INTERVAL = Duration.ofSeconds(2);

    private final ControlStore store;
    private final long migrationId;
    private final String daemonName;
    private final Supplier<DaemonLock> reacquire;
    private final Consumer<SafeshiftException> lockTaken;
    private final RunListener listener;
    private final String actor;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread thread;
    private volatile DaemonLock lock;

    /**
     * @param reacquire takes the lock again, failing with {@link SafeshiftException.Kind#IN_USE} when
     *                  another daemon holds it
     * @param lockTaken told, once, when another daemon holds the lock: the daemon must stop
     */
    DaemonGuard(ControlStore store, long migrationId, String daemonName, DaemonLock lock, Supplier<DaemonLock> reacquire,
                Consumer<SafeshiftException> lockTaken, RunListener listener, String actor) {
        this.store = store;
        this.migrationId = migrationId;
        this.daemonName = daemonName;
        this.lock = lock;
        this.reacquire = reacquire;
        this.lockTaken = lockTaken;
        this.listener = listener;
        this.actor = actor;
        this.thread = new Thread(this::watch, "safeshift-guard");
        this.thread.setDaemon(true);
    }

    void start() {
        beat();
        thread.start();
    }

    private void watch() {
        try {
            while (!closed.await(INTERVAL.toMillis(), TimeUnit.MILLISECONDS)) {
                if (!keepLock()) {
                    return;
                }
                beat();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void beat() {
        try {
            store.heartbeat(migrationId, daemonName);
        } catch (RuntimeException e) {
            // the store may be restarting; the next beat tries again, and status shows the gap
            LOG.warn("could not renew the daemon's heartbeat: {}", e.getMessage());
        }
    }

    /** Returns false when the daemon must stop because another one holds the lock. */
    private boolean keepLock() {
        DaemonLock.State state = lock.check();
        if (state == DaemonLock.State.HELD) {
            return true;
        }
        if (state == DaemonLock.State.UNKNOWN) {
            LOG.warn("the daemon's lock session did not answer; checking again in {} s", INTERVAL.toSeconds());
            return true;
        }
        DaemonLock taken;
        try {
            taken = reacquire.get();
        } catch (SafeshiftException e) {
            if (e.kind() == SafeshiftException.Kind.IN_USE) {
                LOG.error("the daemon lost its lock and another daemon holds it now: {}", e.getMessage());
                lockTaken.accept(new SafeshiftException(SafeshiftException.Kind.IN_USE, "this daemon lost its lock on the"
                        + " migration (its session in the control store's database ended) and another daemon took it"
                        + " before it could take it back. This one stops so that only one works on the migration; check"
                        + " which daemon is running with safeshift status.", e));
                return false;
            }
            // the store's database is unreachable: no other daemon can take the lock either; try again
            LOG.warn("the daemon lost its lock and cannot take it back yet: {}", e.getMessage());
            return true;
        }
        DaemonLock lost = lock;
        lock = taken;
        lost.close();
        listener.info("The daemon's lock session had ended; the lock was taken again.");
        try {
            store.append(migrationId, "daemon-lock-retaken", actor, "{}");
        } catch (RuntimeException e) {
            LOG.warn("could not record that the lock was taken again: {}", e.getMessage());
        }
        return true;
    }

    @Override
    public void close() {
        closed.countDown();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lock.close();
    }
}
