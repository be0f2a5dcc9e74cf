package dev.safeshift.trigger;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What a trigger watches, by the name a plan writes ({@code error_rate}) and in the unit its
 * conditions are written in. The unit is part of the metric so that a condition in the wrong unit
 * ({@code error_rate > 800ms}) is a plan error, not a trigger that can never fire.
 */
public enum Metric {
    /** The percentage of statements that failed. */
    ERROR_RATE("error_rate", Unit.PERCENT, "error rate", "> 2%"),
    /** The median statement latency. */
    LATENCY_P50("latency_p50", Unit.MILLISECONDS, "median latency", "> 50ms"),
    /** The latency 95% of statements stay within. */
    LATENCY_P95("latency_p95", Unit.MILLISECONDS, "p95 latency", "> 300ms"),
    /** The latency 99% of statements stay within. */
    LATENCY_P99("latency_p99", Unit.MILLISECONDS, "p99 latency", "> 800ms"),
    /** The slowest statement. */
    LATENCY_MAX("latency_max", Unit.MILLISECONDS, "slowest statement", "> 5s"),
    /** Statements per second. */
    THROUGHPUT("throughput", Unit.PER_SECOND, "throughput", "< 50/s"),
    /**
     * How far the change stream that keeps the other side current is behind, as the daemon last
     * reported it: the forward stream before cutover, the stream back to the source after it.
     */
    LAG("lag", Unit.MILLISECONDS, "stream lag", "> 30s");

    private final String planName;
    private final Unit unit;
    private final String label;
    private final String exampleCondition;

    Metric(String planName, Unit unit, String label, String exampleCondition) {
        this.planName = planName;
        this.unit = unit;
        this.label = label;
        this.exampleCondition = exampleCondition;
    }

    /** The name a plan writes, such as {@code latency_p99}. */
    public String planName() {
        return planName;
    }

    /** The unit values and absolute thresholds of this metric are in. */
    public Unit unit() {
        return unit;
    }

    /** How a sentence for a person names the metric, such as "p99 latency". */
    public String label() {
        return label;
    }

    /** An absolute condition that suits this metric, used in messages that show how to write one. */
    public String exampleCondition() {
        return exampleCondition;
    }

    /** The metric a plan's name stands for, if any. */
    public static Optional<Metric> ofPlanName(String name) {
        return Arrays.stream(values()).filter(m -> m.planName.equals(name)).findFirst();
    }

    /** Every plan name, in the order they are documented. */
    public static List<String> planNames() {
        return Arrays.stream(values()).map(Metric::planName).toList();
    }

    /** The unit of a metric's values, with the suffixes a condition may write them in. */
    public enum Unit {
        /** Percent, written {@code 2%}. */
        PERCENT("%", "a percentage"),
        /** Milliseconds, written {@code 800ms} or, in seconds, {@code 1.5s}. */
        MILLISECONDS("ms", "a time"),
        /** Events per second, written {@code 50/s}. */
        PER_SECOND("/s", "a rate per second");

        private final String symbol;
        private final String kind;

        Unit(String symbol, String kind) {
            this.symbol = symbol;
            this.kind = kind;
        }

        /** The suffix values are shown with: {@code %}, {@code ms}, {@code /s}. */
        public String symbol() {
            return symbol;
        }

        /** What a value in this unit is, in words that complete "is ...": "a percentage". */
        public String kind() {
            return kind;
        }

        /**
         * A value with its unit, as short as a person reads it: {@code 5.1%}, {@code 812ms},
         * {@code 0.35ms}, {@code 41.5/s}. Larger values keep fewer decimals, since their last
         * digits are noise.
         */
        public String format(double value) {
            double size = Math.abs(value);
            int decimals = size >= 100 ? 0 : size >= 10 ? 1 : 2;
            String number = BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_UP)
                    .stripTrailingZeros().toPlainString();
            return (number.equals("-0") ? "0" : number) + symbol;
        }
    }
}
