package dev.safeshift.plan;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lengths of time as plan files write them: whole numbers with a unit, largest unit first, such as
 * {@code 30s}, {@code 15m}, {@code 1h}, {@code 2h30m} or {@code 1d}. The same short form is used to
 * show durations back, so what a message prints can be pasted into a plan.
 */
public final class Durations {

    /**
     * The longest duration a plan may write. Ten years is longer than any migration, and far
     * enough from the limits of {@code Instant} and {@code Duration} that adding a plan's duration
     * to a time, or a few of them together, cannot overflow.
     */
    public static final Duration MAXIMUM = Duration.ofDays(3650);

    private static final Pattern FORM = Pattern.compile("(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?");
    private static final long[] UNIT_SECONDS = {86_400, 3_600, 60, 1};
    private static final String[] UNIT_NAMES = {"d", "h", "m", "s"};

    /** How people also write the units; used only to suggest the short form. */
    private static final Pattern SPOKEN_PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*([a-z]+)[\\s,]*(?:and\\s+)?");
    private static final Map<String, Long> SPOKEN_UNITS = Map.ofEntries(
            Map.entry("d", 86_400L), Map.entry("day", 86_400L), Map.entry("days", 86_400L),
            Map.entry("h", 3_600L), Map.entry("hr", 3_600L), Map.entry("hrs", 3_600L),
            Map.entry("hour", 3_600L), Map.entry("hours", 3_600L),
            Map.entry("m", 60L), Map.entry("min", 60L), Map.entry("mins", 60L),
            Map.entry("minute", 60L), Map.entry("minutes", 60L),
            Map.entry("s", 1L), Map.entry("sec", 1L), Map.entry("secs", 1L),
            Map.entry("second", 1L), Map.entry("seconds", 1L));

    private Durations() {
    }

    /** The duration {@code text} writes in the short form, or empty when it is not that form. */
    public static Optional<Duration> parse(String text) {
        Matcher matcher = FORM.matcher(text);
        if (text.isEmpty() || !matcher.matches()) {
            return Optional.empty();
        }
        try {
            long seconds = 0;
            for (int unit = 0; unit < UNIT_SECONDS.length; unit++) {
                String amount = matcher.group(unit + 1);
                if (amount != null) {
                    seconds = Math.addExact(seconds, Math.multiplyExact(Long.parseLong(amount), UNIT_SECONDS[unit]));
                }
            }
            return Optional.of(Duration.ofSeconds(seconds));
        } catch (ArithmeticException | NumberFormatException tooLong) {
            return Optional.empty();
        }
    }

    /** The short form of {@code duration} in whole seconds, largest units first: {@code 2h30m}, {@code 0s}. */
    public static String format(Duration duration) {
        long seconds = duration.getSeconds();
        if (seconds == 0) {
            return "0s";
        }
        StringBuilder out = new StringBuilder(seconds < 0 ? "-" : "");
        long rest = Math.abs(seconds);
        for (int unit = 0; unit < UNIT_SECONDS.length; unit++) {
            if (rest >= UNIT_SECONDS[unit]) {
                out.append(rest / UNIT_SECONDS[unit]).append(UNIT_NAMES[unit]);
                rest %= UNIT_SECONDS[unit];
            }
        }
        return out.toString();
    }

    /**
     * The short form of a duration written some other common way, such as {@code 1 hour},
     * {@code 90min}, {@code 1H} or {@code 1.5h}; empty when the text is not recognisably a duration.
     */
    static Optional<String> respell(String text) {
        String spoken = text.strip().toLowerCase(Locale.ROOT);
        Matcher part = SPOKEN_PART.matcher(spoken);
        BigDecimal seconds = BigDecimal.ZERO;
        int end = 0;
        while (part.find() && part.start() == end) {
            Long unit = SPOKEN_UNITS.get(part.group(2));
            if (unit == null) {
                return Optional.empty();
            }
            seconds = seconds.add(new BigDecimal(part.group(1)).multiply(BigDecimal.valueOf(unit)));
            end = part.end();
        }
        if (end == 0 || end != spoken.length()) {
            return Optional.empty();
        }
        try {
            return Optional.of(format(Duration.ofSeconds(seconds.longValueExact())));
        } catch (ArithmeticException fractionOfASecond) {
            return Optional.empty();
        }
    }
}
