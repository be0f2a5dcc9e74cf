package dev.safeshift.plan;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Amounts of data as plan files write them: a whole number and a unit, {@code kB}, {@code MB},
 * {@code GB} or {@code TB}, counted in 1024s as PostgreSQL's {@code pg_size_pretty} and its
 * memory settings count them. The same form is used to show sizes back.
 */
public final class Sizes {

    private static final Pattern FORM = Pattern.compile("([0-9]{1,19}) ?(kB|MB|GB|TB)");
    /** Digits and letters with anything between, for suggesting the form a near miss meant. */
    private static final Pattern LOOSE = Pattern.compile("([0-9]{1,19})\\s*([a-zA-Z]{1,5})");
    private static final String[] UNITS = {"kB", "MB", "GB", "TB"};

    private Sizes() {
    }

    /** The number of bytes {@code text} writes, or empty when it is not that form or does not fit a long. */
    public static Optional<Long> parse(String text) {
        Matcher matcher = FORM.matcher(text);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Math.multiplyExact(Long.parseLong(matcher.group(1)), unitBytes(matcher.group(2))));
        } catch (ArithmeticException | NumberFormatException tooLarge) {
            return Optional.empty();
        }
    }

    /** {@code bytes} in the largest unit that divides it exactly, such as {@code 10GB} or {@code 1536MB}; otherwise in bytes. */
    public static String format(long bytes) {
        for (int unit = UNITS.length - 1; unit >= 0; unit--) {
            long size = unitBytes(UNITS[unit]);
            if (bytes != 0 && bytes % size == 0) {
                return bytes / size + UNITS[unit];
            }
        }
        return bytes + " bytes";
    }

    /** {@code bytes} for reading, as PostgreSQL's pg_size_pretty prints it: 1024-based, one unit, e.g. {@code 98 MB}. */
    public static String pretty(long bytes) {
        String[] units = {"bytes", "kB", "MB", "GB", "TB", "PB"};
        double value = bytes;
        int unit = 0;
        while (Math.abs(value) >= 10 * 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " bytes" : String.format(Locale.ROOT, "%.0f %s", value, units[unit]);
    }

    /**
     * The plan's spelling of a size written another common way, such as {@code 10gb}, {@code 10G}
     * or {@code 10 GiB}; empty when the text is not recognisably a size.
     */
    static Optional<String> respell(String text) {
        Matcher loose = LOOSE.matcher(text.strip());
        if (!loose.matches()) {
            return Optional.empty();
        }
        String unit = switch (loose.group(2).toLowerCase(Locale.ROOT)) {
            case "k", "kb", "kib" -> "kB";
            case "m", "mb", "mib" -> "MB";
            case "g", "gb", "gib" -> "GB";
            case "t", "tb", "tib" -> "TB";
            default -> null;
        };
        String respelled = unit == null ? null : loose.group(1) + unit;
        return Optional.ofNullable(respelled).filter(s -> parse(s).isPresent());
    }

    private static long unitBytes(String unit) {
        return switch (unit) {
            case "kB" -> 1L << 10;
            case "MB" -> 1L << 20;
            case "GB" -> 1L << 30;
            case "TB" -> 1L << 40;
            default -> throw new IllegalArgumentException("unknown unit " + unit);
        };
    }
}
