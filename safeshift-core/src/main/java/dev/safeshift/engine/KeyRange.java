package dev.safeshift.engine;

import java.util.List;
import java.util.Optional;

/**
 * A primary-key range {@code lower <= key < upper}; an empty bound is open. Bound values are the
 * key columns' text representations, in key order, as the engine printed them.
 */
public record KeyRange(Optional<List<String>> lower, Optional<List<String>> upper) {

    public static final KeyRange ALL = new KeyRange(Optional.empty(), Optional.empty());

    public KeyRange {
        lower = lower.map(List::copyOf);
        upper = upper.map(List::copyOf);
    }
}
