package dev.safeshift.verify;

import dev.safeshift.engine.TableComparer;
import dev.safeshift.engine.TableMove;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Proves that source and target hold the same rows, table by table: counts, per-chunk checksums
 * computed inside each database, narrowing of mismatching chunks to the exact keys, and a
 * re-check of each suspect against the change stream so that changes in flight are not reported.
 */
public final class Verifier {

    private final TableComparer comparer;
    private final VerifySettings settings;
    private final Optional<StreamBarrier> barrier;
    private final VerifyListener listener;

    /**
     * @param barrier present while a change stream is applying; without one, suspects are
     *                re-checked against the target as it stands, and the report says so
     */
    public Verifier(TableComparer comparer, VerifySettings settings, Optional<StreamBarrier> barrier,
                    VerifyListener listener) {
        this.comparer = comparer;
        this.settings = settings;
        this.barrier = barrier;
        this.listener = listener;
    }

    public VerificationReport verify(String migration, List<TableMove> moves, Scope scope) throws InterruptedException {
        Instant started = Instant.now();
        List<String> notes = new ArrayList<>();
        if (barrier.isEmpty()) {
            notes.add("no change stream was running, so suspect rows were compared with the target as it stood; "
                    + "changes not yet applied would show as differences");
        }
        List<TableVerdict> verdicts = new ArrayList<>();
        int chunks = 0;
        int sampled = 0;
        long sampledRows = 0;
        long totalRows = 0;
        ExecutorService workers = Executors.newFixedThreadPool(settings.parallelism(), threads());
        try {
            for (TableMove move : moves) {
                TableVerification.Result result =
                        new TableVerification(comparer, move, settings, barrier, listener, notes).run(scope, workers);
                verdicts.add(result.verdict());
                chunks += result.chunks();
                sampled += result.sampled();
                sampledRows += result.sampledRows();
                totalRows += result.tableRows();
            }
        } finally {
            workers.shutdownNow();
        }
        Optional<SamplePromise> promise = scope.isFull() ? Optional.empty()
                : Optional.of(SamplePromises.compute(chunks, sampled, sampledRows, totalRows));
        return new VerificationReport(migration, started, Instant.now(), scope, verdicts, promise, notes);
    }

    private static ThreadFactory threads() {
        AtomicInteger number = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "safeshift-verify-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
