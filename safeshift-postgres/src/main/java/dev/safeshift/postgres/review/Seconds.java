package dev.safeshift.postgres.review;

import java.util.Locale;

/** Durations in words a reviewer reads at a glance: "0.4 s", "12 s", "3 min 20 s", "2 h 5 min". */
public final class Seconds {

    private Seconds() {
    }

    public static String format(double seconds) {
        if (seconds < 0.05) {
            return "under 0.1 s";
        }
        if (seconds < 10) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        long whole = Math.round(seconds);
        if (whole < 60) {
            return whole + " s";
        }
        if (whole < 3600) {
            return (whole / 60) + " min " + (whole % 60) + " s";
        }
        return (whole / 3600) + " h " + (whole % 3600 / 60) + " min";
    }
}
