package dev.safeshift.postgres.stream;

import java.util.Locale;

/**
 * PostgreSQL log sequence numbers (LSNs) between their text form {@code X/Y} (two hexadecimal
 * halves of a 64-bit position, as {@code pg_current_wal_lsn()} prints it) and the unsigned 64-bit
 * number that replication messages carry.
 */
public final class LogPositions {

    private LogPositions() {
    }

    /** Parses {@code 16/B374D848}; throws {@link IllegalArgumentException} on anything else. */
    public static long parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("no log position given");
        }
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        if (slash <= 0 || slash != trimmed.lastIndexOf('/') || slash == trimmed.length() - 1
                || slash > 8 || trimmed.length() - slash - 1 > 8) {
            throw new IllegalArgumentException("not a PostgreSQL log position (expected X/Y in hex): " + text);
        }
        try {
            long high = Long.parseLong(trimmed.substring(0, slash), 16);
            long low = Long.parseLong(trimmed.substring(slash + 1), 16);
            return (high << 32) | low;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a PostgreSQL log position (expected X/Y in hex): " + text, e);
        }
    }

    /** Formats as PostgreSQL does: upper-case hex halves without leading zeros, e.g. {@code 0/16B3748}. */
    public static String format(long position) {
        return (Long.toHexString(position >>> 32) + "/" + Long.toHexString(position & 0xFFFFFFFFL))
                .toUpperCase(Locale.ROOT);
    }

    /** Compares two positions as unsigned numbers, which they are. */
    public static int compare(long a, long b) {
        return Long.compareUnsigned(a, b);
    }
}
