package dev.safeshift.verify;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.Checksum;
import dev.safeshift.engine.KeyRange;
import dev.safeshift.engine.Side;
import dev.safeshift.engine.TableComparer;
import dev.safeshift.engine.TableMove;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies one table: plan chunks, checksum the chosen ones on both sides in parallel, narrow
 * the mismatching ones to suspect keys, and re-check the suspects against the change stream.
 */
final class TableVerification {

    private static final Logger LOG = LoggerFactory.getLogger(TableVerification.class);

    static final long MAX_CHUNKS = 10_000;

    /**
     * What a run over a table found, with the sample's facts for the promise; {@code tableRows} is
     * exact for a full run and the catalog's estimate for a sample.
     */
    record Result(TableVerdict verdict, int chunks, int sampled, long sampledRows, long tableRows) {
    }

    private final TableComparer comparer;
    private final TableMove move;
    private final VerifySettings settings;
    private final Optional<StreamBarrier> barrier;
    private final VerifyListener listener;
    private final List<String> notes;

    TableVerification(TableComparer comparer, TableMove move, VerifySettings settings, Optional<StreamBarrier> barrier,
                      VerifyListener listener, List<String> notes) {
        this.comparer = comparer;
        this.move = move;
        this.settings = settings;
        this.barrier = barrier;
        this.listener = listener;
        this.notes = notes;
    }

    Result run(Scope scope, ExecutorService workers) throws InterruptedException {
        long started = System.nanoTime();
        String table = move.source().name().toString();
        // Past MAX_CHUNKS, chunks grow instead: finding a row's chunk gets slower with their number.
        long rowsPerChunk = Math.max(settings.rowsPerChunk(), move.source().estimatedRows() / MAX_CHUNKS);
        List<KeyRange> chunks = comparer.planChunks(move, rowsPerChunk, scope.seed());
        List<Integer> chosen = ChunkSample.choose(chunks.size(), scope);
        LOG.debug("{}: {} chunks planned in {} ms", table, chunks.size(), (System.nanoTime() - started) / 1_000_000);
        listener.tableStarted(table, chunks.size(), chosen.size());

        AtomicInteger checked = new AtomicInteger();
        AtomicInteger mismatched = new AtomicInteger();
        AtomicLong sourceRows = new AtomicLong();
        AtomicLong targetRows = new AtomicLong();
        List<Future<Set<List<String>>>> results = new ArrayList<>();
        if (scope.isFull()) {
            // Every chunk is wanted: one pass over each table sums all chunks at once, both sides at
            // the same time; only the chunks that differ are then read again, range by range.
            List<List<String>> bounds = chunks.subList(0, chunks.size() - 1).stream()
                    .map(chunk -> chunk.upper().orElseThrow()).toList();
            Future<List<Checksum>> sourcePass = workers.submit(() -> comparer.checksumChunks(Side.SOURCE, move, bounds,
                    fraction -> listener.scanned(table, Side.SOURCE, fraction)));
            Future<List<Checksum>> targetPass = workers.submit(() -> comparer.checksumChunks(Side.TARGET, move, bounds,
                    fraction -> listener.scanned(table, Side.TARGET, fraction)));
            List<Checksum> sourceSums = await(sourcePass);
            List<Checksum> targetSums = await(targetPass);
            LOG.debug("{}: both sides scanned after {} ms", table, (System.nanoTime() - started) / 1_000_000);
            for (int i = 0; i < chunks.size(); i++) {
                Checksum source = sourceSums.get(i);
                Checksum target = targetSums.get(i);
                sourceRows.addAndGet(source.rows());
                targetRows.addAndGet(target.rows());
                if (!source.equals(target)) {
                    mismatched.incrementAndGet();
                    KeyRange range = chunks.get(i);
                    results.add(workers.submit(() -> new Narrowing(comparer, move, settings).suspects(range, source, target)));
                }
            }
            listener.chunkChecked(table, chunks.size(), chunks.size(), sourceRows.get());
        } else {
            for (int index : chosen) {
                KeyRange range = chunks.get(index);
                results.add(workers.submit(() -> {
                    Checksum source = comparer.checksum(Side.SOURCE, move, range);
                    Checksum target = comparer.checksum(Side.TARGET, move, range);
                    sourceRows.addAndGet(source.rows());
                    targetRows.addAndGet(target.rows());
                    listener.chunkChecked(table, checked.incrementAndGet(), chosen.size(), sourceRows.get());
                    if (source.equals(target)) {
                        return Set.<List<String>>of();
                    }
                    mismatched.incrementAndGet();
                    return new Narrowing(comparer, move, settings).suspects(range, source, target);
                }));
            }
        }
        Set<List<String>> suspects = new LinkedHashSet<>();
        for (Future<Set<List<String>>> result : results) {
            suspects.addAll(await(result));
        }
        // A full pass puts every row of each side in exactly one chunk, whatever order that side
        // gives the keys, so its sums are the exact table counts. A sample counts the rows of the
        // chunks it checked: counting whole tables would cost a good part of a full pass.
        long sampledRows = sourceRows.get();
        long tableRows = scope.isFull() ? sampledRows
                : Math.max(sampledRows, move.source().estimatedRows() > 0 ? move.source().estimatedRows()
                : sampledRows * chunks.size() / Math.max(1, chosen.size()));

        LOG.debug("{}: {} chunks checked, {} mismatched, {} suspects, after {} ms", table, chosen.size(), mismatched.get(),
                suspects.size(), (System.nanoTime() - started) / 1_000_000);
        SuspectRecheck.Outcome outcome = new SuspectRecheck.Outcome(List.of(), List.of());
        if (!suspects.isEmpty()) {
            listener.recheckStarted(table, suspects.size());
            long recheckStarted = System.nanoTime();
            outcome = new SuspectRecheck(comparer, move, settings, barrier, notes).run(suspects);
            LOG.debug("{}: {} suspects re-checked in {} ms", table, suspects.size(), (System.nanoTime() - recheckStarted) / 1_000_000);
        }
        List<RowDifference> differences = new ArrayList<>(outcome.differences());
        differences.sort(Comparator.comparing(RowDifference::key, KeyOrder.INSTANCE));
        List<List<String>> unsettled = new ArrayList<>(outcome.unsettled());
        unsettled.sort(KeyOrder.INSTANCE);
        TableVerdict verdict = new TableVerdict(table, sourceRows.get(), targetRows.get(), chunks.size(), chosen.size(),
                mismatched.get(), sampledRows, differences, unsettled, Duration.ofNanos(System.nanoTime() - started));
        listener.tableFinished(verdict);
        return new Result(verdict, chunks.size(), chosen.size(), sampledRows, tableRows);
    }

    private static <T> T await(Future<T> future) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SafeshiftException failure) {
                throw failure;
            }
            throw new SafeshiftException(SafeshiftException.Kind.INTERNAL,
                    "verification failed: " + e.getCause().getMessage(), e.getCause());
        }
    }
}
