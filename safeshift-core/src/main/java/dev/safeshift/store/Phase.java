package dev.safeshift.store;

/** Where a migration stands. The daemon moves it forward; {@code abort} removes it. */
public enum Phase {
    /** Registered; nothing copied yet. */
    PLANNED,
    /** Slot created and chunks planned; chunks are being copied. */
    BACKFILL,
    /** Backfill finished; changes are streamed into the target. */
    STREAMING,
    /**
     * A cutover is under way: traffic held, the source fenced, the target catching up. A daemon that
     * restarts in this phase finishes the cutover or undoes it, from what the databases say.
     */
    CUTTING_OVER,
    /** The application runs on the target; the source's moved tables refuse writes, and take its writes back. */
    CUT_OVER,
    /**
     * A rollback is under way: the same steps as a cutover, from the target back to the source. A
     * daemon that restarts in this phase finishes the rollback or undoes it, from what the databases say.
     */
    ROLLING_BACK,
    /**
     * The cutover window is over: the application stays on the target, nothing streams any more,
     * and the captures are gone. The source tables still refuse writes: they are history now.
     */
    COMPLETED,
    /** The daemon was stopped on request; a restart continues where it stopped. */
    STOPPED,
    /** The daemon hit an error it could not recover from; see the timeline. */
    FAILED
}
