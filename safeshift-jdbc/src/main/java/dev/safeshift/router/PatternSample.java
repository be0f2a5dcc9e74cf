package dev.safeshift.router;

import org.HdrHistogram.Histogram;

/**
 * What one reporting interval saw of one query pattern on one side: how many statements ran, how
 * many failed, and their latencies in microseconds.
 */
public record PatternSample(Route side, QueryPattern pattern, long calls, long errors, Histogram latencyMicros) {
}
