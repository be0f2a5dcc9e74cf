package dev.safeshift.router;

import java.lang.System.Logger.Level;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The router's one background thread: reads the route every {@code pollEvery}, and reports what
 * the router has seen and holds at once when that changed (so a cutover waiting for it is not kept
 * waiting) and otherwise every {@code reportEvery}, together with the statements' metrics.
 */
final class RouteFollower implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RouteFollower.class.getName());

    private final ControlStoreClient store;
    private final RouteGate gate;
    private final PatternMetrics metrics;
    private final String migration;
    private final long reportEveryNanos;
    private final ScheduledExecutorService thread;
    private RouteGate.Snapshot lastReported;
    private long lastReportNanos = System.nanoTime();
    private boolean warnedMissing;
    private long warnedExpiredEpoch = -1;
    private String lastFailure;

    RouteFollower(ControlStoreClient store, RouteGate gate, PatternMetrics metrics, String migration,
                  Duration pollEvery, Duration reportEvery) {
        this.store = store;
        this.gate = gate;
        this.metrics = metrics;
        this.migration = migration;
        this.reportEveryNanos = reportEvery.toNanos();
        this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, "safeshift-router " + migration);
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::tick, pollEvery.toNanos(), pollEvery.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Reads the route once, for the router's start. A store it cannot read, or one without the
     * migration, fails the start: a router under a misspelt name would never be waited for by a
     * cutover and would go on writing to the source after the switch.
     */
    static void firstRead(ControlStoreClient store, RouteGate gate, String migration) throws SQLException {
        ControlStoreClient.RouteRead read = store.readRoute();
        if (!read.migrationFound()) {
            throw new SQLException("there is no migration named '" + migration + "' in the control store; start it"
                    + " (safeshift run plan.yaml) before the application that routes by it, and check that the name is"
                    + " the plan's name", "08001");
        }
        gate.update(read.route(), read.epoch());
    }

    private void tick() {
        try {
            ControlStoreClient.RouteRead read = store.readRoute();
            gate.update(read.route(), read.epoch());
            if (!read.migrationFound() && !warnedMissing) {
                warnedMissing = true;
                LOG.log(Level.WARNING, "migration ''{0}'' is no longer in the control store (aborted): routing to"
                        + " the source", migration);
            }
            if (read.pauseExpired() && read.epoch() != warnedExpiredEpoch) {
                warnedExpiredEpoch = read.epoch();
                LOG.log(Level.WARNING, "the pause of migration ''{0}'' outlived its lease without a switch (is its"
                        + " daemon gone?); new transactions go to the {1} again", migration,
                        read.route().name().toLowerCase(java.util.Locale.ROOT));
            }
            RouteGate.Snapshot now = gate.snapshot();
            long sinceReport = System.nanoTime() - lastReportNanos;
            if (changed(now) || sinceReport >= reportEveryNanos) {
                store.report(now);
                lastReported = now;
            }
            if (sinceReport >= reportEveryNanos) {
                lastReportNanos = System.nanoTime();
                store.publish(metrics.takeInterval(), sinceReport / 1_000_000);
            }
            if (lastFailure != null) {
                LOG.log(Level.INFO, "the control store answers again for migration ''{0}''", migration);
                lastFailure = null;
            }
        } catch (SQLException | RuntimeException e) {
            String failure = e.getClass().getSimpleName() + ": " + e.getMessage();
            if (!failure.equals(lastFailure)) {
                LOG.log(Level.WARNING, "could not follow the route of migration ''{0}'' in the control store"
                        + " (new transactions are held once it has not been read for a while): {1}", migration, failure);
                lastFailure = failure;
            }
        }
    }

    /** Whether the router saw something a cutover waits for: a new route, or transactions ending. */
    private boolean changed(RouteGate.Snapshot now) {
        return lastReported == null || now.epoch() != lastReported.epoch()
                || now.sourceInFlight() != lastReported.sourceInFlight()
                || now.targetInFlight() != lastReported.targetInFlight()
                || now.held() != lastReported.held();
    }

    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
        }
        try {
            long interval = (System.nanoTime() - lastReportNanos) / 1_000_000;
            store.publish(metrics.takeInterval(), interval);
            RouteGate.Snapshot last = gate.snapshot();
            if (last.sourceInFlight() == 0 && last.targetInFlight() == 0) {
                store.forget();
            } else {
                store.report(last); // connections still open: a cutover must keep counting them
            }
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.WARNING, "could not leave the control store tidy for migration ''{0}'': {1}", migration,
                    e.getMessage());
        } finally {
            store.close();
        }
    }
}
