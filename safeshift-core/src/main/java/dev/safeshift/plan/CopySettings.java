package dev.safeshift.plan;

/** How the backfill copies: how many chunks at once, and about how many rows per chunk. */
public record CopySettings(int parallelism, long rowsPerChunk) {

    public static final CopySettings DEFAULTS = new CopySettings(4, 250_000);
}
