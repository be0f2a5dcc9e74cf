package dev.safeshift.store;

import java.time.Instant;

/** One migration as the control store knows it. {@code name} is the plan's name, unique per store. */
public record MigrationRecord(long id, String name, Phase phase, Instant createdAt, Instant updatedAt) {
}
