package dev.safeshift.store;

/** Where a migration stands. The daemon moves it forward; {@code abort} removes it. */
public enum Phase {
    /** Registered; nothing copied yet. */
    PLANNED,
    /** Slot created and chunks planned; chunks are being copied. */
    BACKFILL,
    /** Backfill finished; changes are streamed into the target. */
    STREAMING,
    /** The daemon was stopped on request; a restart continues where it stopped. */
    STOPPED,
    /** The daemon hit an error it could not recover from; see the timeline. */
    FAILED
}
