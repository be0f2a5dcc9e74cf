package dev.safeshift.cli;

import static org.awaitility.Awaitility.await;

import dev.safeshift.engine.Engine;
import dev.safeshift.plan.Plan;
import dev.safeshift.run.MigrationDaemon;
import dev.safeshift.run.RunListener;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.Phase;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/** The migration daemon run in a thread of the test, with whatever it failed with kept for the test to check. */
final class DaemonThread implements AutoCloseable {

    private final MigrationDaemon daemon;
    private final Thread runner;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private DaemonThread(Plan plan, ControlStore store, Engine engine) {
        this.daemon = new MigrationDaemon(plan, store, engine, RunListener.SILENT, "test");
        this.runner = new Thread(() -> {
            try {
                daemon.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "test-daemon");
    }

    static DaemonThread start(Plan plan, ControlStore store, Engine engine) {
        DaemonThread thread = new DaemonThread(plan, store, engine);
        thread.runner.start();
        return thread;
    }

    /** Waits until the migration streams, or the daemon failed (then the failure is returned). */
    Throwable awaitStreaming(ControlStore store, String migration) {
        await().atMost(Duration.ofMinutes(3)).until(() -> failure.get() != null
                || store.find(migration).map(m -> m.phase() == Phase.STREAMING).orElse(false));
        return failure.get();
    }

    /** What the daemon failed with so far, or null. */
    Throwable failure() {
        return failure.get();
    }

    /** Stops the daemon and waits for it (up to a minute); returns what it failed with, or null. */
    Throwable stop() throws InterruptedException {
        daemon.stop();
        runner.join(60_000);
        return failure.get();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
