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
 * @param lastAppliedAt     when the target last committed changes
 * @param lastApplyDelayMillis source-commit-to-target-commit delay of the last committed change
 */
public record StreamProgress(
        Optional<String> appliedPosition,
        long eventsApplied,
        Optional<Instant> lastSourceCommit,
        long applyLagP50Millis,
        long applyLagP99Millis,
        Optional<Instant> lastAppliedAt,
        long lastApplyDelayMillis) {

    public static final StreamProgress NONE =
            new StreamProgress(Optional.empty(), 0, Optional.empty(), 0, 0, Optional.empty(), 0);
}
