package dev.safeshift.postgres.stream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MemoryBudgetTest {

    private static final long MB = 1024 * 1024;

    @Test
    void queueAndBatchInHandTakeAQuarterOfTheHeapAndPendingStatementsAThirtySecond() {
        MemoryBudget launcher = MemoryBudget.forHeap(256 * MB);
        assertThat(launcher.queueBytes()).isEqualTo(32 * MB);
        assertThat(launcher.applyChars()).isEqualTo(8 * MB);
        assertThat(MemoryBudget.forHeap(16 * 1024 * MB).applyChars()).as("at most 64 MB").isEqualTo(64 * MB);
        assertThat(MemoryBudget.forHeap(16 * MB)).isEqualTo(new MemoryBudget(4 * MB, MB));
        assertThat(MemoryBudget.QUEUE_RECORDS).as("Debezium wants more room in the queue than in a batch")
                .isGreaterThan(MemoryBudget.BATCH_RECORDS);
    }
}
