package dev.safeshift.plan;

/**
 * The plan's {@code stream} section.
 *
 * @param warnRetainedWalBytes {@code safeshift status} warns when the source keeps more
 *                             write-ahead log than this, in bytes, for the migration's replication slot
 */
public record StreamSettings(long warnRetainedWalBytes) {

    /** Below a megabyte the warning would fire on any ordinary burst of writes. */
    public static final long MINIMUM_WARN_RETAINED_WAL_BYTES = 1L << 20;
    /** A petabyte; far above any real threshold, and far from overflowing when added to. */
    public static final long MAXIMUM_WARN_RETAINED_WAL_BYTES = 1L << 50;

    public static final StreamSettings DEFAULTS = new StreamSettings(10L << 30);

    public StreamSettings {
        if (warnRetainedWalBytes < MINIMUM_WARN_RETAINED_WAL_BYTES || warnRetainedWalBytes > MAXIMUM_WARN_RETAINED_WAL_BYTES) {
            throw new IllegalArgumentException("the retained write-ahead log warning is between "
                    + Sizes.format(MINIMUM_WARN_RETAINED_WAL_BYTES) + " and " + Sizes.format(MAXIMUM_WARN_RETAINED_WAL_BYTES)
                    + ", not " + warnRetainedWalBytes + " bytes");
        }
    }
}
