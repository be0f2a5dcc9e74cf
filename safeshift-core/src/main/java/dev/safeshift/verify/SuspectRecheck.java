package dev.safeshift.verify;

import dev.safeshift.engine.Side;
import dev.safeshift.engine.TableComparer;
import dev.safeshift.engine.TableMove;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Decides, key by key, whether a suspect is a real difference or a change in flight. One round:
 * read the source rows; wait until the stream has applied everything committed before that
 * read; read the target rows; read the source rows again. A key is clean when the target holds
 * either source version. It differs in this round when the source did not change during the
 * round (so the stream had nothing left to bring) and the target still holds something else.
 * A key that changed during the round gets another one. Only keys that differ in
 * {@code confirmations} consecutive rounds are reported; keys still moving after the last round
 * are reported as unsettled, never as clean.
 */
final class SuspectRecheck {

    /** Differences and undecided keys of one table. */
    record Outcome(List<RowDifference> differences, List<List<String>> unsettled) {
    }

    private final TableComparer comparer;
    private final TableMove move;
    private final VerifySettings settings;
    private final Optional<StreamBarrier> barrier;
    private final List<String> notes;

    SuspectRecheck(TableComparer comparer, TableMove move, VerifySettings settings, Optional<StreamBarrier> barrier,
                   List<String> notes) {
        this.comparer = comparer;
        this.move = move;
        this.settings = settings;
        this.barrier = barrier;
        this.notes = notes;
    }

    Outcome run(Set<List<String>> suspects) {
        Set<List<String>> pending = new LinkedHashSet<>(suspects);
        Map<List<String>, Integer> confirmed = new HashMap<>();
        Map<List<String>, RowDifference> differences = new HashMap<>();
        for (int round = 0; round < settings.recheckRounds() && !pending.isEmpty(); round++) {
            Map<List<String>, List<String>> before = comparer.rows(Side.SOURCE, move, pending);
            awaitStream();
            Map<List<String>, List<String>> target = comparer.rows(Side.TARGET, move, pending);
            Map<List<String>, List<String>> after = comparer.rows(Side.SOURCE, move, pending);
            for (List<String> key : new ArrayList<>(pending)) {
                List<String> targetRow = target.get(key);
                if (Objects.equals(targetRow, before.get(key)) || Objects.equals(targetRow, after.get(key))) {
                    pending.remove(key);
                    confirmed.remove(key);
                    differences.remove(key);
                } else if (Objects.equals(before.get(key), after.get(key))) {
                    int times = confirmed.merge(key, 1, Integer::sum);
                    differences.put(key, difference(key, after.get(key), targetRow));
                    if (times >= settings.confirmations()) {
                        pending.remove(key);
                    }
                } else {
                    confirmed.remove(key); // the source moved during the round; look again
                    differences.remove(key);
                }
            }
        }
        List<RowDifference> found = suspects.stream()
                .filter(key -> !pending.contains(key) && differences.containsKey(key))
                .map(differences::get)
                .toList();
        return new Outcome(found, List.copyOf(pending));
    }

    private void awaitStream() {
        if (barrier.isPresent() && !barrier.get().awaitApplied(settings.settleTimeout())) {
            String note = "the change stream did not apply a mark within " + settings.settleTimeout().toSeconds()
                    + " s, so some re-checks could not wait for changes in flight";
            synchronized (notes) {
                if (!notes.contains(note)) {
                    notes.add(note);
                }
            }
        }
    }

    private RowDifference difference(List<String> key, List<String> sourceRow, List<String> targetRow) {
        List<String> columns = move.source().columnNames();
        RowDifference.Kind kind = sourceRow == null ? RowDifference.Kind.EXTRA_IN_TARGET
                : targetRow == null ? RowDifference.Kind.MISSING_IN_TARGET
                : RowDifference.Kind.DIFFERENT;
        List<String> differing = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            String sourceValue = sourceRow == null ? null : sourceRow.get(i);
            String targetValue = targetRow == null ? null : targetRow.get(i);
            if (sourceRow == null || targetRow == null || !Objects.equals(sourceValue, targetValue)) {
                differing.add(columns.get(i));
            }
        }
        return new RowDifference(kind, key, columns, Optional.ofNullable(sourceRow), Optional.ofNullable(targetRow),
                differing);
    }
}
