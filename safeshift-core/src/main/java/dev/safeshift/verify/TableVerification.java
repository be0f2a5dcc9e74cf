package dev.safeshift.verify;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.Checksum;
import dev.safeshift.engine.ColumnDifference;
import dev.safeshift.engine.KeyRange;
import dev.safeshift.engine.Side;
import dev.safeshift.engine.TableComparer;
import dev.safeshift.engine.TableInfo;
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
import java.util.concurrent.atomic.AtomicIntegerArray;
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
        List<ColumnDifference> columns = comparer.columnDifferences(move);
        if (columns.isEmpty()) {
            return compareRows(scope, workers, move, columns, started);
        }
        Set<String> leftOut = new LinkedHashSet<>();
        columns.stream().filter(c -> c.kind() != ColumnDifference.Kind.EXTRA_IN_TARGET)
                .forEach(c -> leftOut.add(c.column()));
        List<String> keyLeftOut = move.source().primaryKey().stream().filter(leftOut::contains).toList();
        if (!keyLeftOut.isEmpty()) {
            return keyDiffers(table, columns, keyLeftOut, started);
        }
        if (!leftOut.isEmpty()) {
            note(table + ": column(s) " + String.join(", ", leftOut) + " were left out of the row comparison (missing "
                    + "in the target or of another type there); rows were compared on the columns both sides have alike");
        }
        TableInfo source = move.source();
        TableInfo alike = new TableInfo(source.name(),
                source.columns().stream().filter(c -> !leftOut.contains(c.name())).toList(), source.primaryKey(),
                source.estimatedRows(), source.sizeBytes(), source.secondaryIndexes());
        return compareRows(scope, workers, new TableMove(alike, move.target()), columns, started);
    }

    /**
     * A key column is missing in the target or has another type there: no key of one side can be
     * looked up in the other, so rows are not compared; the tables' sizes are still counted.
     */
    private Result keyDiffers(String table, List<ColumnDifference> columns, List<String> key, long started) {
        listener.tableStarted(table, 0, 0);
        note(table + ": rows were not compared, because key column(s) " + String.join(", ", key)
                + " are missing in the target or of another type there");
        long sourceRows = comparer.countRows(Side.SOURCE, move);
        long targetRows = comparer.countRows(Side.TARGET, move);
        TableVerdict verdict = new TableVerdict(table, sourceRows, targetRows, 0, 0, 0, 0, List.of(), List.of(),
                Duration.ofNanos(System.nanoTime() - started), columns);
        listener.tableFinished(verdict);
        return new Result(verdict, 0, 0, 0, sourceRows);
    }

    private void note(String note) {
        synchronized (notes) {
            notes.add(note);
        }
    }

    /** Compares the rows of {@code compared}: the move, with the columns both sides have alike. */
    private Result compareRows(Scope scope, ExecutorService workers, TableMove compared, List<ColumnDifference> columns,
                               long started) throws InterruptedException {
        String table = compared.source().name().toString();
        // Past MAX_CHUNKS, chunks grow instead: finding a row's chunk gets slower with their number.
        long rowsPerChunk = Math.max(settings.rowsPerChunk(), compared.source().estimatedRows() / MAX_CHUNKS);
        List<KeyRange> chunks = comparer.planChunks(compared, rowsPerChunk, scope.seed());
        List<Integer> chosen = ChunkSample.choose(chunks.size(), scope);
        LOG.debug("{}: {} chunks planned in {} ms", table, chunks.size(), (System.nanoTime() - started) / 1_000_000);
        listener.tableStarted(table, chunks.size(), chosen.size());

        List<KeyRange> checkedRanges = chosen.stream().map(chunks::get).toList();
        Sums sums = scope.isFull() ? scanAll(compared, chunks, workers) : readEach(compared, checkedRanges, workers);
        LOG.debug("{}: both sides read after {} ms", table, (System.nanoTime() - started) / 1_000_000);
        long sourceRows = 0;
        long targetRows = 0;
        int mismatched = 0;
        List<Future<Set<List<String>>>> results = new ArrayList<>();
        for (int i = 0; i < checkedRanges.size(); i++) {
            Checksum source = sums.source().get(i);
            Checksum target = sums.target().get(i);
            sourceRows += source.rows();
            targetRows += target.rows();
            if (!source.equals(target)) {
                mismatched++;
                KeyRange range = checkedRanges.get(i);
                results.add(workers.submit(() -> new Narrowing(comparer, compared, settings).suspects(range, source, target)));
            }
        }
        Set<List<String>> suspects = new LinkedHashSet<>();
        for (Future<Set<List<String>>> result : results) {
            suspects.addAll(await(result));
        }
        // A full pass puts every row of each side in exactly one chunk, whatever order that side
        // gives the keys, so its sums are the exact table counts. A sample counts the rows of the
        // chunks it checked: counting whole tables would cost a good part of a full pass.
        long sampledRows = sourceRows;
        long tableRows = scope.isFull() ? sampledRows
                : Math.max(sampledRows, compared.source().estimatedRows() > 0 ? compared.source().estimatedRows()
                : sampledRows * chunks.size() / Math.max(1, chosen.size()));

        LOG.debug("{}: {} chunks checked, {} mismatched, {} suspects, after {} ms", table, chosen.size(), mismatched,
                suspects.size(), (System.nanoTime() - started) / 1_000_000);
        SuspectRecheck.Outcome outcome = new SuspectRecheck.Outcome(List.of(), List.of());
        if (!suspects.isEmpty()) {
            listener.recheckStarted(table, suspects.size());
            long recheckStarted = System.nanoTime();
            outcome = new SuspectRecheck(comparer, compared, settings, barrier, notes).run(suspects);
            LOG.debug("{}: {} suspects re-checked in {} ms", table, suspects.size(), (System.nanoTime() - recheckStarted) / 1_000_000);
        }
        List<RowDifference> differences = new ArrayList<>(outcome.differences());
        differences.sort(Comparator.comparing(RowDifference::key, KeyOrder.INSTANCE));
        List<List<String>> unsettled = new ArrayList<>(outcome.unsettled());
        unsettled.sort(KeyOrder.INSTANCE);
        TableVerdict verdict = new TableVerdict(table, sourceRows, targetRows, chunks.size(), chosen.size(),
                mismatched, sampledRows, differences, unsettled, Duration.ofNanos(System.nanoTime() - started), columns);
        listener.tableFinished(verdict);
        return new Result(verdict, chunks.size(), chosen.size(), sampledRows, tableRows);
    }

    /** Per-chunk checksums of both sides, in the order of the chunks read. */
    private record Sums(List<Checksum> source, List<Checksum> target) {
    }

    /**
     * Every chunk is wanted: one pass over each table sums all chunks at once, both sides at the
     * same time; only the chunks that differ are then read again, range by range.
     */
    private Sums scanAll(TableMove compared, List<KeyRange> chunks, ExecutorService workers) throws InterruptedException {
        String table = compared.source().name().toString();
        List<List<String>> bounds = chunks.subList(0, chunks.size() - 1).stream()
                .map(chunk -> chunk.upper().orElseThrow()).toList();
        Future<List<Checksum>> source = workers.submit(() -> comparer.checksumChunks(Side.SOURCE, compared, bounds,
                fraction -> listener.scanned(table, Side.SOURCE, fraction)));
        Future<List<Checksum>> target = workers.submit(() -> comparer.checksumChunks(Side.TARGET, compared, bounds,
                fraction -> listener.scanned(table, Side.TARGET, fraction)));
        Sums sums = new Sums(await(source), await(target));
        listener.chunkChecked(table, chunks.size(), chunks.size(), sums.source().stream().mapToLong(Checksum::rows).sum());
        return sums;
    }

    /**
     * Some chunks are wanted: each is read by key range. Like a full pass, each side gets its own
     * readers, half the parallelism, so a side's chunks are read on as few connections as
     * possible: a new connection costs its set-up and, on the server, a cold session.
     */
    private Sums readEach(TableMove compared, List<KeyRange> ranges, ExecutorService workers) throws InterruptedException {
        String table = compared.source().name().toString();
        int readers = Math.max(1, settings.parallelism() / 2);
        Checksum[] source = new Checksum[ranges.size()];
        Checksum[] target = new Checksum[ranges.size()];
        AtomicIntegerArray sidesRead = new AtomicIntegerArray(ranges.size());
        AtomicInteger checked = new AtomicInteger();
        AtomicLong rowsChecked = new AtomicLong();
        List<Future<?>> reads = new ArrayList<>();
        for (Side side : Side.values()) {
            Checksum[] sums = side == Side.SOURCE ? source : target;
            for (int reader = 0; reader < readers; reader++) {
                int first = reader;
                reads.add(workers.submit(() -> {
                    for (int i = first; i < ranges.size(); i += readers) {
                        sums[i] = comparer.checksum(side, compared, ranges.get(i));
                        if (side == Side.SOURCE) {
                            rowsChecked.addAndGet(sums[i].rows());
                        }
                        if (sidesRead.incrementAndGet(i) == 2) {
                            listener.chunkChecked(table, checked.incrementAndGet(), ranges.size(), rowsChecked.get());
                        }
                    }
                    return null;
                }));
            }
        }
        for (Future<?> read : reads) {
            await(read);
        }
        return new Sums(List.of(source), List.of(target));
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
