package dev.safeshift.postgres.stream;

/**
 * How much of the heap the change stream holds at most, in bytes rather than in rows, so that a
 * burst of small rows and a few rows of megabytes are bounded alike.
 *
 * <p>Debezium's queue is bounded by its estimate of the records' size ({@code max.queue.size.in.bytes}):
 * an eighth of the heap. The batch being applied was taken from that queue, which meanwhile fills
 * again, so queue and batch in hand together hold at most a quarter of the heap (plus one record,
 * which the queue admits whatever its size once it is below its limit). The applier sends its
 * pending statements to the target whenever their parameters reach {@link #applyChars} characters
 * (a thirty-second of the heap, between 1 MB and 64 MB), so a source transaction with many large
 * rows streams through the open target transaction instead of piling up in it.
 *
 * @param queueBytes  Debezium's queue limit, by its estimate of record sizes
 * @param applyChars  characters of statement parameters the applier holds before it sends them
 */
record MemoryBudget(long queueBytes, long applyChars) {

    private static final long MB = 1024 * 1024;
    /** Records in Debezium's queue and per batch; with small rows the bytes limit is not the first to bind. */
    static final int QUEUE_RECORDS = 8192;
    static final int BATCH_RECORDS = 2048;

    static MemoryBudget forHeap(long maxHeapBytes) {
        long queue = Math.max(4 * MB, maxHeapBytes / 8);
        long apply = Math.min(64 * MB, Math.max(MB, maxHeapBytes / 32));
        return new MemoryBudget(queue, apply);
    }

    /** The budget for this JVM's maximum heap ({@code -Xmx}). */
    static MemoryBudget current() {
        return forHeap(Runtime.getRuntime().maxMemory());
    }
}
