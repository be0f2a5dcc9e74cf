package dev.safeshift.postgres.check.cost;

/**
 * How fast the source server read a sample of a table, measured with {@code EXPLAIN ANALYZE}.
 *
 * @param bytesPerSecond pages read per second times the page size
 * @param sampledBytes   how much was read for the measurement
 * @param cached         whether every page came from PostgreSQL's buffer cache, which makes the
 *                       speed an upper bound for a table larger than the cache
 */
public record ReadSpeed(double bytesPerSecond, long sampledBytes, boolean cached) {

    public double secondsToRead(long bytes) {
        return bytes / bytesPerSecond;
    }
}
