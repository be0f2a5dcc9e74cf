package dev.safeshift.trigger;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * What a provider read for one {@link MetricQuery}.
 *
 * @param value   the metric's value in its unit; empty when there was nothing to compute it from,
 *                which makes an evaluation inconclusive rather than a pass
 * @param samples how many observations the value rests on (statement calls, for the router)
 * @param detail  a short text for people saying what was read, such as
 *                "412 calls, 9 errors on the target; 2 patterns matching 'update accounts'"
 */
public record MetricReading(OptionalDouble value, long samples, String detail) {

    public MetricReading {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(detail, "detail");
        if (value.isPresent() && !Double.isFinite(value.getAsDouble())) {
            throw new IllegalArgumentException("a metric's value is a finite number, not " + value.getAsDouble());
        }
        if (samples < 0) {
            throw new IllegalArgumentException("a sample count is 0 or more, not " + samples);
        }
    }

    /** A value resting on {@code samples} observations. */
    public static MetricReading of(double value, long samples, String detail) {
        return new MetricReading(OptionalDouble.of(value), samples, detail);
    }

    /** No data: {@code detail} says why (nothing recorded, the source could not be read). */
    public static MetricReading none(String detail) {
        return new MetricReading(OptionalDouble.empty(), 0, detail);
    }
}
