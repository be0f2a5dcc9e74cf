package dev.safeshift.trigger;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One query pattern's share of a {@link MetricQuery}, so that a breach can say which query spiked.
 *
 * @param patternId 16 hex characters identifying the pattern
 * @param pattern   the pattern's normalized SQL text, literals replaced by {@code ?}
 * @param value     the query's metric for this pattern alone; empty when it cannot be computed from it
 * @param calls     statements of this pattern in the window
 * @param errors    of which failed
 * @param p99Millis the latency 99% of them stayed within, in milliseconds; empty without calls
 */
public record PatternReading(String patternId, String pattern, OptionalDouble value, long calls, long errors,
                             OptionalDouble p99Millis) {

    public PatternReading {
        Objects.requireNonNull(patternId, "patternId");
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(p99Millis, "p99Millis");
    }
}
