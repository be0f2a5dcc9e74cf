package dev.safeshift.postgres.stream;

import org.HdrHistogram.Histogram;

/**
 * Apply-lag percentiles over the recent past: a ring of histograms, each covering one slice of
 * time; percentiles merge the slices still inside the window, so old spikes age out.
 */
final class LagWindow {

    private final Histogram[] slices;
    private final long sliceMillis;
    private long currentSliceStart;
    private int current;

    LagWindow(int sliceCount, long sliceMillis) {
        this.slices = new Histogram[sliceCount];
        for (int i = 0; i < sliceCount; i++) {
            // auto-resizing, 3 significant digits: exact enough for milliseconds of lag
            slices[i] = new Histogram(3);
        }
        this.sliceMillis = sliceMillis;
    }

    /** Records {@code count} changes that were {@code lagMillis} behind, observed at {@code nowMillis}. */
    synchronized void record(long lagMillis, long count, long nowMillis) {
        rotate(nowMillis);
        // a source clock ahead of ours must not make lag negative
        slices[current].recordValueWithCount(Math.max(0, lagMillis), count);
    }

    /** The lag at {@code percentile} (0-100) in milliseconds, or 0 when nothing was recorded recently. */
    synchronized long percentile(double percentile, long nowMillis) {
        rotate(nowMillis);
        Histogram merged = new Histogram(3);
        for (Histogram slice : slices) {
            merged.add(slice);
        }
        return merged.getTotalCount() == 0 ? 0 : merged.getValueAtPercentile(percentile);
    }

    private void rotate(long nowMillis) {
        if (currentSliceStart == 0) {
            currentSliceStart = nowMillis;
            return;
        }
        long elapsedSlices = (nowMillis - currentSliceStart) / sliceMillis;
        if (elapsedSlices <= 0) {
            return;
        }
        for (long i = 0; i < Math.min(elapsedSlices, slices.length); i++) {
            current = (current + 1) % slices.length;
            slices[current].reset();
        }
        currentSliceStart += elapsedSlices * sliceMillis;
    }
}
