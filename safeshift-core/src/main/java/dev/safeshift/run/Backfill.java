package dev.safeshift.run;

import dev.safeshift.engine.Engine;
import dev.safeshift.engine.KeyRange;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Copies the chunks not yet done, several at once, and checkpoints each finished chunk in the
 * control store so a restarted daemon skips it.
 */
final class Backfill {

    private final Engine engine;
    private final ControlStore store;
    private final long migrationId;
    private final RunListener listener;
    private final int parallelism;

    Backfill(Engine engine, ControlStore store, long migrationId, RunListener listener, int parallelism) {
        this.engine = engine;
        this.store = store;
        this.migrationId = migrationId;
        this.listener = listener;
        this.parallelism = parallelism;
    }

    /**
     * Copies every pending chunk from {@code snapshotId}; returns false when {@code stopRequested}
     * turned true before all chunks were done (the finished ones stay checkpointed).
     */
    boolean copy(List<TableMove> moves, String snapshotId, BooleanSupplier stopRequested) throws InterruptedException {
        Map<String, TableMove> byKey = moves.stream().collect(Collectors.toMap(TableMove::key, Function.identity()));
        List<ChunkRecord> chunks = store.chunks(migrationId);
        List<ChunkRecord> pending = chunks.stream().filter(c -> !c.done()).toList();
        long estimated = chunks.stream().mapToLong(c -> c.done() ? c.rowsCopied() : c.estimatedRows()).sum();
        AtomicLong copied = new AtomicLong(chunks.stream().filter(ChunkRecord::done).mapToLong(ChunkRecord::rowsCopied).sum());
        AtomicInteger done = new AtomicInteger(chunks.size() - pending.size());
        long copiedAtStart = copied.get();
        Instant started = Instant.now();

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
                long rows = engine.copyChunk(move, range, snapshotId, copied::addAndGet);
                store.markChunkDone(migrationId, chunk.table(), chunk.chunkNo(), rows);
                done.incrementAndGet();
                return null;
            }));
        }
        workers.shutdown();
        try {
            while (!workers.awaitTermination(1, java.util.concurrent.TimeUnit.SECONDS)) {
                listener.backfill(progress(done.get(), chunks.size(), copied.get(), copiedAtStart, estimated, started));
                failFast(futures);
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } catch (ExecutionException e) {
            workers.shutdownNow();
            throw rethrow(e.getCause());
        } catch (InterruptedException e) {
            workers.shutdownNow();
            throw e;
        }
        BackfillProgress last = progress(done.get(), chunks.size(), copied.get(), copiedAtStart, estimated, started);
        listener.backfillFinished(last);
        return done.get() == chunks.size();
    }

    private static void failFast(List<Future<?>> futures) throws ExecutionException, InterruptedException {
        for (Future<?> future : futures) {
            if (future.isDone()) {
                future.get();
            }
        }
    }

    private static BackfillProgress progress(int done, int total, long copied, long copiedAtStart, long estimated,
                                             Instant started) {
        Duration elapsed = Duration.between(started, Instant.now());
        double seconds = Math.max(0.001, elapsed.toMillis() / 1000.0);
        double rate = (copied - copiedAtStart) / seconds;
        Optional<Duration> eta = rate <= 0 ? Optional.empty()
                : Optional.of(Duration.ofSeconds((long) (Math.max(0, estimated - copied) / rate)));
        return new BackfillProgress(done, total, copied, Math.max(estimated, copied), rate, elapsed, eta);
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
