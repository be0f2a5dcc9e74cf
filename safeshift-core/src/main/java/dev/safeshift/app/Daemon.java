package dev.safeshift.app;

import dev.safeshift.engine.Engine;
import dev.safeshift.run.MigrationDaemon;
import dev.safeshift.store.ControlStore;

/** A migration's daemon with the connections it owns; {@link #close()} them once {@link #run()} returned. */
public final class Daemon implements AutoCloseable {

    private final ControlStore store;
    private final Engine engine;
    private final MigrationDaemon daemon;

    Daemon(ControlStore store, Engine engine, MigrationDaemon daemon) {
        this.store = store;
        this.engine = engine;
        this.daemon = daemon;
    }

    /** Runs until stopped or failed; see {@link MigrationDaemon#run()}. */
    public void run() throws InterruptedException {
        daemon.run();
    }

    /** Asks the daemon to stop after the work in hand is checkpointed. Safe from any thread. */
    public void stop() {
        daemon.stop();
    }

    @Override
    public void close() {
        try {
            engine.close();
        } finally {
            store.close();
        }
    }
}
