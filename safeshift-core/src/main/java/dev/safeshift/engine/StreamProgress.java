package dev.safeshift.engine;

import java.time.Instant;
import java.util.Optional;

/**
 * What the change stream has applied so far.
 *
 * @param appliedPosition last log position committed to the target with its batch
 * @param eventsApplied   row changes applied since the daemon started
 * @param lastSourceCommit source commit time of the last applied change
 * @param applyLagP50Millis median source-commit-to-target-commit delay of recent changes
 * @param applyLagP99Millis 99th percentile of the same
 */
public record StreamProgress(
        Optional<String> appliedPosition,
        long eventsApplied,
        Optional<Instant> lastSourceCommit,
        long applyLagP50Millis,
        long applyLagP99Millis) {
}
