package dev.safeshift.run;

/** The change stream as last measured: how far behind the target is, and how much was applied. */
public record StreamStatus(long lagBytes, long lagMillis, long eventsApplied, long applyLagP50Millis,
                           long applyLagP99Millis, String appliedPosition) {
}
