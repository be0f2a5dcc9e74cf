package dev.safeshift.engine;

/** How far the target is behind the source: log bytes not yet applied, and the age of the oldest. */
public record Lag(long bytes, long millis) {
}
