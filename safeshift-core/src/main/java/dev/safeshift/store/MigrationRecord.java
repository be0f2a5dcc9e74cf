package dev.safeshift.store;

import java.time.Instant;
import java.util.Optional;

/**
 * One migration as the control store knows it. {@code name} is the plan's name, unique per store.
 *
 * @param daemon        the daemon that last worked on it ({@code pid@host}), if any ever did
 * @param heartbeatAt   that daemon's latest sign of life, renewed every few seconds while it runs
 * @param daemonEndedAt when that daemon ended by itself (stopped or failed), empty while it runs or
 *                      when it was killed
 */
public record MigrationRecord(long id, String name, Phase phase, Instant createdAt, Instant updatedAt,
                              Optional<String> daemon, Optional<Instant> heartbeatAt, Optional<Instant> daemonEndedAt) {

    public MigrationRecord(long id, String name, Phase phase, Instant createdAt, Instant updatedAt) {
        this(id, name, phase, createdAt, updatedAt, Optional.empty(), Optional.empty(), Optional.empty());
    }
}
