package dev.safeshift.verify;

import dev.safeshift.engine.Checksum;
import dev.safeshift.engine.KeyRange;
import dev.safeshift.engine.RowDigest;
import dev.safeshift.engine.Side;
import dev.safeshift.engine.TableComparer;
import dev.safeshift.engine.TableMove;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Narrows a range whose checksums differ down to the keys that differ: split the range into
 * sub-ranges of about equal row counts, checksum each on both sides in one pass per side, and go
 * on into the sub-ranges that still differ; once a range is small, compare its rows' digests key
 * by key. Each step reads only the range at hand, so a few differences in a big table cost a few
 * chunks' worth of extra reading.
 */
final class Narrowing {

    /** Beyond this depth a range is compared digest by digest whatever its size (guards odd splits). */
    private static final int MAX_DEPTH = 8;

    private final TableComparer comparer;
    private final TableMove move;
    private final VerifySettings settings;

    Narrowing(TableComparer comparer, TableMove move, VerifySettings settings) {
        this.comparer = comparer;
        this.move = move;
        this.settings = settings;
    }

    /** Keys in {@code range} whose rows differ, are missing, or are extra (at the time they were read). */
    Set<List<String>> suspects(KeyRange range, Checksum source, Checksum target) {
        Set<List<String>> keys = new LinkedHashSet<>();
        narrow(range, source, target, 0, keys);
        return keys;
    }

    private void narrow(KeyRange range, Checksum source, Checksum target, int depth, Set<List<String>> keys) {
        long rows = Math.max(source.rows(), target.rows());
        if (rows <= settings.leafRows() || depth >= MAX_DEPTH) {
            compareDigests(range, keys);
            return;
        }
        // Split where the side with more rows has its quantiles, so the parts really get smaller.
        Side splitter = source.rows() >= target.rows() ? Side.SOURCE : Side.TARGET;
        List<List<String>> splits = comparer.splitKeys(splitter, move, range, settings.splitParts());
        if (splits.isEmpty()) {
            compareDigests(range, keys);
            return;
        }
        List<Checksum> sourceParts = comparer.checksums(Side.SOURCE, move, range, splits);
        List<Checksum> targetParts = comparer.checksums(Side.TARGET, move, range, splits);
        for (int i = 0; i <= splits.size(); i++) {
            if (!sourceParts.get(i).equals(targetParts.get(i))) {
                narrow(part(range, splits, i), sourceParts.get(i), targetParts.get(i), depth + 1, keys);
            }
        }
    }

    private static KeyRange part(KeyRange range, List<List<String>> splits, int i) {
        Optional<List<String>> lower = i == 0 ? range.lower() : Optional.of(splits.get(i - 1));
        Optional<List<String>> upper = i == splits.size() ? range.upper() : Optional.of(splits.get(i));
        return new KeyRange(lower, upper);
    }

    private void compareDigests(KeyRange range, Set<List<String>> keys) {
        Map<List<String>, Long> source = byKey(comparer.digests(Side.SOURCE, move, range));
        Map<List<String>, Long> target = byKey(comparer.digests(Side.TARGET, move, range));
        for (Map.Entry<List<String>, Long> row : source.entrySet()) {
            if (!row.getValue().equals(target.get(row.getKey()))) {
                keys.add(row.getKey());
            }
        }
        for (List<String> key : target.keySet()) {
            if (!source.containsKey(key)) {
                keys.add(key);
            }
        }
    }

    private static Map<List<String>, Long> byKey(List<RowDigest> digests) {
        Map<List<String>, Long> map = new HashMap<>(digests.size() * 2);
        for (RowDigest digest : digests) {
            map.put(digest.key(), digest.hash());
        }
        return map;
    }
}
