package dev.safeshift.run;

import java.time.Duration;
import java.util.List;

/**
 * The daemon's periodic work, run from its one loop: each call of {@link #runDue()} runs, on the
 * caller's thread and in order, every task whose interval has passed since it last ran. A task that
 * throws stops the round and reaches the caller; tasks that must not stop the daemon catch their own
 * failures.
 */
final class PeriodicTasks {

    /**
     * @param firstAfter how long after the loop starts the task first runs (zero: at once)
     */
    record Task(String name, Duration every, Duration firstAfter, Runnable action) {

        /** A task that runs at once, then every {@code every}. */
        static Task every(String name, Duration every, Runnable action) {
            return new Task(name, every, Duration.ZERO, action);
        }
    }

    private final List<Task> tasks;
    private final long[] dueAt;

    PeriodicTasks(List<Task> tasks) {
        this.tasks = List.copyOf(tasks);
        this.dueAt = new long[this.tasks.size()];
        long now = System.nanoTime();
        for (int i = 0; i < dueAt.length; i++) {
            dueAt[i] = now + this.tasks.get(i).firstAfter().toNanos();
        }
    }

    void runDue() {
        for (int i = 0; i < tasks.size(); i++) {
            long now = System.nanoTime();
            if (now - dueAt[i] >= 0) {
                dueAt[i] = now + tasks.get(i).every().toNanos();
                tasks.get(i).action().run();
            }
        }
    }
}
