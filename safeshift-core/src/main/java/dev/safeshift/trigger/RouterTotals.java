package dev.safeshift.trigger;

import java.time.Duration;
import java.util.OptionalDouble;
import org.HdrHistogram.Histogram;

/**
 * The router's samples of one window added up: calls, errors and the latencies of all of them in
 * one histogram, from which every metric the router offers is computed. Histograms are added, not
 * their percentiles, so a window's p99 is the p99 of its statements, however many samples it spans.
 */
final class RouterTotals {

    private long calls;
    private long errors;
    // Sized as the routers record (2 significant digits) and resized for whatever a sample holds.
    private final Histogram latencyMicros = new Histogram(2);

    void add(long sampleCalls, long sampleErrors, Histogram sampleLatencyMicros) {
        calls += sampleCalls;
        errors += sampleErrors;
        if (sampleLatencyMicros != null) {
            latencyMicros.add(sampleLatencyMicros);
        }
    }

    long calls() {
        return calls;
    }

    long errors() {
        return errors;
    }

    /**
     * The metric over a window of {@code window}; empty without calls, because no statements is
     * no data, not a rate of zero. Latencies are read from the histograms, so they need them added.
     */
    OptionalDouble value(Metric metric, Duration window) {
        if (calls == 0) {
            return OptionalDouble.empty();
        }
        return switch (metric) {
            case ERROR_RATE -> OptionalDouble.of(100.0 * errors / calls);
            case THROUGHPUT -> OptionalDouble.of(calls / (window.toNanos() / 1e9));
            case LATENCY_P50 -> percentileMillis(50);
            case LATENCY_P95 -> percentileMillis(95);
            case LATENCY_P99 -> percentileMillis(99);
            case LATENCY_MAX -> latencyMicros.getTotalCount() == 0 ? OptionalDouble.empty()
                    : OptionalDouble.of(latencyMicros.getMaxValue() / 1000.0);
            case LAG -> throw new IllegalArgumentException("the routers' samples say nothing of the stream's lag");
        };
    }

    /** Whether computing {@code metric} needs the latency histograms (the others come from counts alone). */
    static boolean needsLatencies(Metric metric) {
        return metric != Metric.ERROR_RATE && metric != Metric.THROUGHPUT;
    }

    OptionalDouble percentileMillis(double percentile) {
        return latencyMicros.getTotalCount() == 0 ? OptionalDouble.empty()
                : OptionalDouble.of(latencyMicros.getValueAtPercentile(percentile) / 1000.0);
    }
}
