package dev.safeshift.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TableProgressTest {

    @Test
    void staleStatisticsNeverShowMoreRowsDoneThanInAll() {
        // planned from statistics that said 2,025 rows in 2,025 chunks; the chunks really hold ~220 rows each
        List<ChunkRecord> chunks = new ArrayList<>();
        for (int i = 0; i < 2_025; i++) {
            boolean done = i < 267;
            chunks.add(new ChunkRecord("public.t", i, Optional.empty(), Optional.empty(), 1, done, done ? 220 : 0,
                    Optional.empty()));
        }

        TableProgress progress = TableProgress.of(chunks).get(0);

        assertThat(progress.rowsCopied()).isEqualTo(267 * 220L);
        assertThat(progress.estimatedRows()).isEqualTo(2_025 * 220L);
        assertThat(progress.percent()).isBetween(13.0, 13.3);
    }

    @Test
    void aTableIsFullOnlyWhenEveryChunkIsDone() {
        List<ChunkRecord> chunks = List.of(
                new ChunkRecord("public.t", 0, Optional.empty(), Optional.empty(), 10, true, 5_000, Optional.empty()),
                new ChunkRecord("public.t", 1, Optional.empty(), Optional.empty(), 10, false, 0, Optional.empty()));

        TableProgress progress = TableProgress.of(chunks).get(0);

        assertThat(progress.estimatedRows()).isEqualTo(10_000);
        assertThat(progress.percent()).isEqualTo(50.0);
    }
}
