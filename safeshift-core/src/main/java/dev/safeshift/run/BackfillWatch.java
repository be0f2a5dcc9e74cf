package dev.safeshift.run;

import dev.safeshift.engine.Engine;
import dev.safeshift.engine.TableMove;
import dev.safeshift.store.ControlStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the daemon does beside the backfill's copies, until they end or it is told to stop: it
 * handles requests every second, and records row-count checkpoints and the slot's retained log
 * every 30 s (the first when the copy starts, so the target's rows before it are on record).
 */
final class BackfillWatch implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(BackfillWatch.class);

    private final RowCountCheckpoint checkpoint;
    private boolean finished;
    private final Engine engine;
    private final ControlStore store;
    private final long migrationId;
    private final String capture;
    private final List<TableMove> moves;
    private final Runnable handleRequests;
    private final CountDownLatch stopSignal;

    BackfillWatch(RowCountCheckpoint checkpoint, Engine engine, ControlStore store, long migrationId, String capture,
                  List<TableMove> moves, Runnable handleRequests, CountDownLatch stopSignal) {
        this.checkpoint = checkpoint;
        this.engine = engine;
        this.store = store;
        this.migrationId = migrationId;
        this.capture = capture;
        this.moves = List.copyOf(moves);
        this.handleRequests = handleRequests;
        this.stopSignal = stopSignal;
    }

    @Override
    public void run() {
        // How often the backfill records row counts; a system property shortens it for tests.
        Duration every = Duration.ofSeconds(Long.getLong("safeshift.rowCountCheckpointSeconds", 30));
        PeriodicTasks tasks = new PeriodicTasks(List.of(
                PeriodicTasks.Task.every("requests", Duration.ofSeconds(1), handleRequests),
                PeriodicTasks.Task.every("row-count checkpoint", every, this::checkpoint)));
        while (stopSignal.getCount() > 0) {
            try {
                tasks.runDue();
            } catch (RuntimeException e) {
                // the store reconnects by itself; a missed round is not a reason to stop the copy
                LOG.warn("handling requests during the backfill failed", e);
            }
            try {
                if (stopSignal.await(1, TimeUnit.SECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return; // the copies ended
            }
        }
    }

    /**
     * The copies ended: no checkpoint of this watch may land on the timeline after this returns, so
     * that the final checkpoint, recorded next, is the last one (a count in progress is dropped).
     */
    synchronized void finish() {
        finished = true;
    }

    private void checkpoint() {
        try {
            RowCountCheckpoint.Counted counted = checkpoint.count(moves, false);
            synchronized (this) {
                if (finished) {
                    return;
                }
                checkpoint.append(counted);
            }
            engine.retainedLog(capture).ifPresent(bytes -> store.reportRetainedWal(migrationId, bytes));
        } catch (RuntimeException e) {
            // a count that failed is a missing checkpoint, not a reason to stop the copy
            LOG.warn("row-count checkpoint failed", e);
        }
    }
}
