package dev.safeshift.router;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latency and errors per side and query pattern, recorded by every statement without locks
 * (HdrHistogram's {@link Recorder}) and taken interval by interval by the reporter.
 */
final class PatternMetrics {

    /** Past this many patterns, new ones are counted together, so generated SQL cannot exhaust memory. */
    static final int MAX_PATTERNS = 1_000;

    /** Where statements of patterns beyond {@link #MAX_PATTERNS} are counted. */
    static final QueryPattern OTHER = QueryPattern.of("(other patterns)");

    /** The longest latency told apart from longer ones: one hour. */
    private static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);

    private record Key(Route side, String patternId) {
    }

    private static final class Series {
        final QueryPattern pattern;
        final Recorder latency = new Recorder(HIGHEST_MICROS, 2);
        final LongAdder errors = new LongAdder();

        Series(QueryPattern pattern) {
            this.pattern = pattern;
        }
    }

    private final Map<Key, Series> series = new ConcurrentHashMap<>();

    void record(Route side, QueryPattern pattern, long elapsedNanos, boolean failed) {
        Series target = series.get(new Key(side, pattern.id()));
        if (target == null) {
            QueryPattern kept = series.size() < MAX_PATTERNS ? pattern : OTHER;
            target = series.computeIfAbsent(new Key(side, kept.id()), key -> new Series(kept));
        }
        long micros = Math.min(HIGHEST_MICROS, Math.max(0, elapsedNanos / 1_000));
        target.latency.recordValue(micros);
        if (failed) {
            target.errors.increment();
        }
    }

    /** Everything recorded since the last call, per side and pattern that saw a statement. */
    List<PatternSample> takeInterval() {
        List<PatternSample> samples = new ArrayList<>();
        series.forEach((key, s) -> {
            Histogram latency = s.latency.getIntervalHistogram();
            long errors = s.errors.sumThenReset();
            if (latency.getTotalCount() > 0 || errors > 0) {
                samples.add(new PatternSample(key.side(), s.pattern, latency.getTotalCount(), errors, latency));
            }
        });
        return samples;
    }
}
