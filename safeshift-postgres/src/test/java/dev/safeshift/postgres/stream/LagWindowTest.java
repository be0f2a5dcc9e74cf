package dev.safeshift.postgres.stream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LagWindowTest {

    @Test
    void percentilesCoverRecentChangesAndForgetOldOnes() {
        LagWindow window = new LagWindow(3, 1000);
        long now = 1_000_000;
        window.record(10, 99, now);
        window.record(500, 1, now);
        assertThat(window.percentile(50, now)).isEqualTo(10);
        assertThat(window.percentile(100, now)).isBetween(499L, 501L);
        window.record(20, 1, now + 2500);
        assertThat(window.percentile(50, now + 2500)).isEqualTo(10);
        assertThat(window.percentile(50, now + 3500)).isEqualTo(20);
        assertThat(window.percentile(50, now + 10_000)).isZero();
    }

    @Test
    void aSourceClockAheadOfOursCountsAsNoLag() {
        LagWindow window = new LagWindow(2, 1000);
        window.record(-40, 1, 5000);
        assertThat(window.percentile(99, 5000)).isZero();
    }
}
