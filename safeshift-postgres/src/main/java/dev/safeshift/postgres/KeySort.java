package dev.safeshift.postgres;

import dev.safeshift.engine.TableInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The order in which one side sorts a table's key: for each key column, the collation named
 * explicitly after it, or none (for a type without collations, or to use the column's own).
 *
 * <p>Verification needs both sides to sort keys alike: chunk bounds, sub-range splits and the
 * chunk a row falls in must mean the same rows on each side. {@link #forVerification} chooses,
 * per collatable key column, its own collation on each side when the two are the same
 * deterministic collation (same provider, locale and library version), so the key's indexes stay
 * usable; otherwise {@code "C"}, byte order, on both sides.
 */
record KeySort(List<Optional<String>> collations) {

    private static final String BYTES = "pg_catalog.\"C\"";

    KeySort {
        collations = List.copyOf(collations);
    }

    /** Each column as it sorts by itself: what the backfill uses, on the source alone. */
    static KeySort natural(TableInfo table) {
        return new KeySort(Collections.nCopies(table.primaryKey().size(), Optional.empty()));
    }

    /** The key orders of source and target that sort alike; element 0 is the source's. */
    static List<KeySort> forVerification(List<ColumnType> sourceKey, List<ColumnType> targetKey) {
        List<Optional<String>> source = new ArrayList<>();
        List<Optional<String>> target = new ArrayList<>();
        for (int i = 0; i < sourceKey.size(); i++) {
            Optional<ColumnType.Collation> from = sourceKey.get(i).collation();
            Optional<ColumnType.Collation> to = targetKey.get(i).collation();
            if (from.isEmpty() && to.isEmpty()) {
                source.add(Optional.empty());
                target.add(Optional.empty());
            } else if (from.isPresent() && to.isPresent() && from.get().deterministic() && to.get().deterministic()
                    && from.get().identity().equals(to.get().identity())) {
                source.add(Optional.of(from.get().sqlName()));
                target.add(Optional.of(to.get().sqlName()));
            } else {
                // byte order on both sides (a side whose column has no collation at all has a
                // retyped key, which verification reports instead of comparing rows)
                source.add(from.map(c -> BYTES));
                target.add(to.map(c -> BYTES));
            }
        }
        return List.of(new KeySort(source), new KeySort(target));
    }

    /** Key column {@code i} (quoted, or any expression of it) with its explicit collation, if any. */
    String column(String expression, int i) {
        return collations.get(i).map(name -> expression + " COLLATE " + name).orElse(expression);
    }

    /** Whether every column sorts by its own collation (nothing is named explicitly). */
    boolean isNatural() {
        return collations.stream().allMatch(Optional::isEmpty);
    }
}
