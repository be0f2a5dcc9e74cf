package dev.safeshift.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeapPassTest {

    @Test
    void aSmallTableIsReadInSegmentsOfTheSmallestSize() {
        assertThat(HeapPass.segmentPages(0, 1)).isEqualTo(HeapPass.MIN_SEGMENT_PAGES);
        assertThat(HeapPass.segmentPages(10_000, 2)).isEqualTo(HeapPass.MIN_SEGMENT_PAGES);
    }

    @Test
    void eachReaderGetsAFewSegmentsOfATableOfMiddleSize() {
        // 86,207 pages (5M payments rows) and one reader a side: four segments of 21,552 pages
        long pages = HeapPass.segmentPages(86_207, 1);
        assertThat(pages).isEqualTo(21_552);
        assertThat((86_207 + pages - 1) / pages).isEqualTo(4);
        assertThat(HeapPass.segmentPages(86_207, 2)).isEqualTo(10_776);
    }

    @Test
    void aLargeTableIsReadInSegmentsOfTheLargestSize() {
        assertThat(HeapPass.segmentPages(10_000_000, 1)).isEqualTo(HeapPass.MAX_SEGMENT_PAGES);
        assertThat(HeapPass.segmentPages(Long.MAX_VALUE / 16, 64)).isEqualTo(HeapPass.MAX_SEGMENT_PAGES);
    }
}
