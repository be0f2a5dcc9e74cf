package dev.safeshift.store;

import java.util.Optional;

/**
 * The result of re-computing a migration's timeline hash chain.
 *
 * @param ok             true when every event is present, unchanged and in order
 * @param eventsChecked  how many stored events were examined
 * @param firstBrokenSeq the first sequence number at which the chain does not hold
 * @param problem        what is wrong at that point, in words
 */
public record ChainCheck(boolean ok, long eventsChecked, Optional<Long> firstBrokenSeq, Optional<String> problem) {

    static ChainCheck intact(long eventsChecked) {
        return new ChainCheck(true, eventsChecked, Optional.empty(), Optional.empty());
    }

    static ChainCheck broken(long eventsChecked, long seq, String problem) {
        return new ChainCheck(false, eventsChecked, Optional.of(seq), Optional.of(problem));
    }
}
