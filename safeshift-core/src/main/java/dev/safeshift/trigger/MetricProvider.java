package dev.safeshift.trigger;

import java.util.List;

/**
 * Where triggers get their figures. One provider serves one migration; the daemon's trigger watch
 * asks it for each trigger at each evaluation. Implementations read figures recorded elsewhere
 * (the router's samples in the control store, a Prometheus server, a SQL query, the stream's lag)
 * and hold no trigger state of their own.
 *
 * <p>A provider reports missing data as a reading without a value, never as zero: no statements
 * in a window is not an error rate of 0%. When its data source cannot be read at all it throws
 * (a {@link dev.safeshift.SafeshiftException} saying what could not be reached); the caller then
 * records that evaluation as inconclusive with the message as its detail.
 */
public interface MetricProvider extends AutoCloseable {

    /** Which provider this is, as a plan names it. */
    ProviderKind kind();

    /**
     * The metric's value over the query's window, on its side, for the patterns its filter matches.
     *
     * @throws IllegalArgumentException when this provider does not offer the query's metric
     */
    MetricReading read(MetricQuery query);

    /**
     * The same figures, one entry per query pattern, the ones with the highest value first. A
     * provider whose figures have no patterns returns an empty list.
     */
    default List<PatternReading> byPattern(MetricQuery query) {
        return List.of();
    }

    /** Releases connections; never throws. */
    @Override
    void close();
}
