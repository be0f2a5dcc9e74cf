package dev.safeshift.engine;

import java.util.List;

/** One row's primary key (as normalized text, in key order) and the 64-bit hash of its normalized text. */
public record RowDigest(List<String> key, long hash) {

    public RowDigest {
        key = List.copyOf(key);
    }
}
