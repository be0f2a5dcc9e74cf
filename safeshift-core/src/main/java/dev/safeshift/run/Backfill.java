package dev.safeshift.run;

import dev.safeshift.OutOfMemory;
import dev.safeshift.engine.ChunkMark;
import dev.safeshift.engine.Engine;
import dev.safeshift.engine.KeyRange;
import dev.safeshift.engine.Snapshot;
import dev.safeshift.engine.TableMove;
import dev.safeshift.store.ChunkRecord;
import dev.safeshift.store.ControlStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Copies the chunks not yet done, several at once, and checkpoints each finished chunk in the
 * control store so a restarted daemon skips it. A chunk's rows commit in the target together with
 * the chunk's mark, so the target knows what it holds even when the checkpoint here was lost.
 */
final class Backfill {

    /** How long a failed backfill waits for its other copies to end before it reports the failure. */
    private static final Duration WORKERS_END_WAIT = Duration.ofSeconds(60);

    private final Engine engine;
    private final ControlStore store;
    private final long migrationId;
    private final String captureName;
    private final RunListener listener;
    private final int parallelism;

    Backfill(Engine engine, ControlStore store, long migrationId, String captureName, RunListener listener,
             int parallelism) {
        this.engine = engine;
        this.store = store;
        this.migrationId = migrationId;
        this.captureName = captureName;
        this.listener = listener;
        this.parallelism = parallelism;
    }

    /**
     * Copies every pending chunk from {@code snapshot}; returns false when {@code stopRequested}
     * turned true before all chunks were done (the finished ones stay checkpointed).
     */
    boolean copy(List<TableMove> moves, Snapshot snapshot, BooleanSupplier stopRequested) throws InterruptedException {
        Map<String, TableMove> byKey = moves.stream().collect(Collectors.toMap(TableMove::key, Function.identity()));
        List<ChunkRecord> chunks = store.chunks(migrationId);
        List<ChunkRecord> pending = chunks.stream().filter(c -> !c.done()).toList();
        Progress progress = new Progress(chunks);

        ExecutorService workers = Executors.newFixedThreadPool(Math.max(1, Math.min(parallelism, pending.size())),
                daemonThreads("safeshift-copy"));
        List<Future<?>> futures = new ArrayList<>();
        for (ChunkRecord chunk : pending) {
            futures.add(workers.submit(() -> {
                if (stopRequested.getAsBoolean()) {
                    return null;
                }
                store.markChunkStarted(migrationId, chunk.table(), chunk.chunkNo());
                TableMove move = byKey.get(chunk.table());
                KeyRange range = new KeyRange(chunk.lowerInclusive().map(BoundCodec::decode),
                        chunk.upperExclusive().map(BoundCodec::decode));
                AtomicLong inFlight = new AtomicLong();
                try {
                    long rows = engine.copyChunk(move, range, snapshot,
                            new ChunkMark(captureName, chunk.table(), chunk.chunkNo()), counted -> {
                                inFlight.addAndGet(counted);
                                progress.copied.addAndGet(counted);
                            });
                    // the copy reported rows as they streamed; what counts is what committed
                    progress.copied.addAndGet(rows - inFlight.get());
                    store.markChunkDone(migrationId, chunk.table(), chunk.chunkNo(), rows);
                    progress.finished(rows);
                    return null;
                } catch (RuntimeException e) {
                    progress.copied.addAndGet(-inFlight.get()); // rolled back with the copy
                    throw e;
                } catch (OutOfMemoryError e) {
                    throw OutOfMemory.describe(e, "copying a chunk of " + chunk.table());
                }
            }));
        }
        workers.shutdown();
        try {
            while (!workers.awaitTermination(1, TimeUnit.SECONDS)) {
                listener.backfill(progress.now());
                failFast(futures);
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } catch (ExecutionException e) {
            stopAll(workers);
            throw rethrow(e.getCause());
        } catch (InterruptedException e) {
            stopAll(workers);
            throw e;
        }
        listener.backfillFinished(progress.now());
        return progress.chunksDone.get() == chunks.size();
    }

    /**
     * Stops the other copies and waits for them to end, so that a retry never copies a chunk while
     * an earlier attempt at it is still running (its mark would refuse the second commit anyway).
     */
    private static void stopAll(ExecutorService workers) throws InterruptedException {
        workers.shutdownNow();
        workers.awaitTermination(WORKERS_END_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static void failFast(List<Future<?>> futures) throws ExecutionException, InterruptedException {
        for (Future<?> future : futures) {
            if (future.isDone()) {
                future.get();
            }
        }
    }

    /**
     * What the copy has done so far. The row total is an estimate made when the chunks were
     * planned, so it is corrected as chunks finish: pending chunks are expected to hold as many rows
     * as the finished ones did on average, when that is more than planned, and the total is never
     * less than what was already copied.
     */
    private static final class Progress {
        final AtomicLong copied = new AtomicLong();
        final AtomicInteger chunksDone = new AtomicInteger();
        final int chunksTotal;
        final long copiedAtStart;
        final Instant started = Instant.now();
        final AtomicLong finishedRows = new AtomicLong();
        final AtomicInteger finishedChunks = new AtomicInteger();
        final long plannedPerPendingChunk;

        Progress(List<ChunkRecord> chunks) {
            chunksTotal = chunks.size();
            for (ChunkRecord chunk : chunks) {
                if (chunk.done()) {
                    copied.addAndGet(chunk.rowsCopied());
                    chunksDone.incrementAndGet();
                    finishedRows.addAndGet(chunk.rowsCopied());
                    finishedChunks.incrementAndGet();
                }
            }
            copiedAtStart = copied.get();
            plannedPerPendingChunk = (long) chunks.stream().filter(c -> !c.done())
                    .mapToLong(ChunkRecord::estimatedRows).average().orElse(0);
        }

        void finished(long rows) {
            finishedRows.addAndGet(rows);
            finishedChunks.incrementAndGet();
            chunksDone.incrementAndGet();
        }

        BackfillProgress now() {
            int done = chunksDone.get();
            long rows = copied.get();
            long average = finishedChunks.get() == 0 ? 0 : finishedRows.get() / finishedChunks.get();
            int pendingLeft = Math.max(0, chunksTotal - done);
            // the chunks still to finish, at the larger of their planned size and the average so far
            long plannedLeft = pendingLeft * Math.max(plannedPerPendingChunk, average);
            long estimated = Math.max(rows, finishedRows.get() + plannedLeft);
            Duration elapsed = Duration.between(started, Instant.now());
            double seconds = Math.max(0.001, elapsed.toMillis() / 1000.0);
            double rate = (rows - copiedAtStart) / seconds;
            Optional<Duration> eta = rate <= 0 || done == chunksTotal ? Optional.empty()
                    : Optional.of(Duration.ofSeconds((long) (Math.max(0, estimated - rows) / rate)));
            return new BackfillProgress(done, chunksTotal, rows, estimated, rate, elapsed, eta);
        }
    }

    private static RuntimeException rethrow(Throwable cause) {
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(cause);
    }

    static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
