package dev.safeshift.run;

/** Receives what the daemon is doing, for a terminal, a log or a test. Called from daemon threads. */
public interface RunListener {

    void info(String message);

    void backfill(BackfillProgress progress);

    void streaming(StreamStatus status);

    /** The backfill finished: print a final line if progress was being redrawn. */
    default void backfillFinished(BackfillProgress progress) {
        backfill(progress);
    }

    RunListener SILENT = new RunListener() {
        @Override
        public void info(String message) {
        }

        @Override
        public void backfill(BackfillProgress progress) {
        }

        @Override
        public void streaming(StreamStatus status) {
        }
    };
}
