package dev.safeshift.trigger;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a trigger's metric counts as breached: a comparison with an absolute threshold
 * ({@code > 2%}, {@code >= 800ms}, {@code < 50/s}) or with a multiple of the baseline measured on
 * the source before cutover ({@code > 2x baseline}).
 *
 * @param operator the comparison; the metric's value is on its left
 * @param amount   the threshold in {@code unit} for an absolute condition (seconds already turned
 *                 into milliseconds), or the factor applied to the baseline for a relative one
 * @param relative whether {@code amount} multiplies the baseline
 * @param unit     the unit of the metric this condition is for, which is also the unit of its threshold
 */
public record Condition(Operator operator, double amount, boolean relative, Metric.Unit unit) {

    private static final Pattern FORM = Pattern.compile(
            "(>=|<=|>|<)?\\s*([0-9]+(?:\\.[0-9]+)?|\\.[0-9]+)\\s*(.*)", Pattern.DOTALL);
    private static final Pattern BASELINE = Pattern.compile("(?:x|×|\\*)\\s*(?:the\\s+)?baseline");

    public Condition {
        Objects.requireNonNull(operator, "operator");
        Objects.requireNonNull(unit, "unit");
        if (!Double.isFinite(amount) || amount < 0 || (relative && amount == 0)) {
            throw new IllegalArgumentException("a condition's "
                    + (relative ? "factor is more than 0" : "threshold is 0 or more") + ", not " + amount);
        }
        if (!relative && unit == Metric.Unit.PERCENT && amount > 100) {
            throw new IllegalArgumentException("a percentage threshold is at most 100%, not " + amount + "%");
        }
    }

    /**
     * Reads a condition as a plan writes it for {@code metric}.
     *
     * @throws Invalid when the text is not a condition, or its unit does not fit the metric; the
     *                 message says how to write it and never needs the stack trace
     */
    public static Condition parse(String text, Metric metric) {
        Objects.requireNonNull(metric, "metric");
        String written = text == null ? "" : text.strip();
        Matcher form = FORM.matcher(written);
        if (written.isEmpty() || !form.matches()) {
            throw new Invalid("'" + shorten(written) + "' is not a condition. Write a comparison and a threshold, "
                    + "such as " + metric.exampleCondition() + ", or a multiple of the baseline measured before cutover, "
                    + "such as > 2x baseline.", null);
        }
        if (form.group(1) == null) {
            String usual = metric.exampleCondition().substring(0, metric.exampleCondition().indexOf(' '));
            String suggestion = usual + " " + written;
            throw new Invalid("'" + shorten(written) + "' has no comparison. Start it with >, >=, < or <=, as in "
                    + shorten(suggestion) + ".", suggestion);
        }
        Operator operator = Operator.of(form.group(1));
        double number = new BigDecimal(form.group(2)).doubleValue();
        if (!Double.isFinite(number)) {
            throw new Invalid("'" + shorten(written) + "' has a number too large to compare with.", null);
        }
        String rest = form.group(3).strip().toLowerCase(Locale.ROOT);
        String shown = operator.symbol() + " " + form.group(2);
        if (BASELINE.matcher(rest).matches()) {
            if (number == 0) {
                throw new Invalid("'" + shorten(written) + "' multiplies the baseline by 0. The factor is more than 0, "
                        + "as in > 2x baseline or > 1.5x baseline.", null);
            }
            return new Condition(operator, number, true, metric.unit());
        }
        if (rest.isEmpty()) {
            String suggestion = shown + metric.unit().symbol();
            throw new Invalid("'" + shorten(written) + "' has no unit, and " + metric.planName() + " is "
                    + metric.unit().kind() + ": write " + suggestion + ", or a multiple of the baseline such as "
                    + operator.symbol() + " 2x baseline.", suggestion);
        }
        Optional<Metric.Unit> unit = unitOf(rest);
        if (unit.isEmpty()) {
            throw new Invalid("'" + shorten(written) + "' has an unknown unit '" + shorten(rest) + "'. Write % for "
                    + "error_rate, ms or s for latencies and lag, /s for throughput, or x baseline for a multiple of the baseline; for "
                    + metric.planName() + ", for example " + metric.exampleCondition() + ".", null);
        }
        if (unit.get() != metric.unit()) {
            throw new Invalid("'" + shorten(written) + "' is " + unit.get().kind() + ", but " + metric.planName() + " is "
                    + metric.unit().kind() + ". Write it as " + metric.exampleCondition()
                    + ", or as a multiple of the baseline such as > 2x baseline.", null);
        }
        double amount = rest.equals("s") ? number * 1000 : number;
        if (unit.get() == Metric.Unit.PERCENT && amount > 100) {
            throw new Invalid("'" + shorten(written) + "' can never be met: a percentage of statements is at most 100%.",
                    null);
        }
        return new Condition(operator, amount, false, unit.get());
    }

    private static Optional<Metric.Unit> unitOf(String suffix) {
        return switch (suffix) {
            case "%" -> Optional.of(Metric.Unit.PERCENT);
            case "ms", "s" -> Optional.of(Metric.Unit.MILLISECONDS);
            case "/s" -> Optional.of(Metric.Unit.PER_SECOND);
            default -> Optional.empty();
        };
    }

    /**
     * The threshold to compare the value with: the amount itself, or the amount times the baseline.
     * Empty for a relative condition without a baseline value, which makes an evaluation inconclusive.
     */
    public OptionalDouble thresholdFor(OptionalDouble baseline) {
        if (!relative) {
            return OptionalDouble.of(amount);
        }
        return baseline.isPresent() ? OptionalDouble.of(amount * baseline.getAsDouble()) : OptionalDouble.empty();
    }

    /** Whether {@code value} breaches {@code threshold}. */
    public boolean breachedBy(double value, double threshold) {
        return operator.holds(value, threshold);
    }

    /** The condition written back the way a plan writes it: {@code > 2%}, {@code >= 800ms}, {@code > 2x baseline}. */
    @Override
    public String toString() {
        String number = BigDecimal.valueOf(amount).stripTrailingZeros().toPlainString();
        return operator.symbol() + " " + number + (relative ? "x baseline" : unit.symbol());
    }

    private static String shorten(String text) {
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }

    /** How a condition compares the metric's value (on the left) with its threshold (on the right). */
    public enum Operator {
        GREATER(">", "above"),
        GREATER_OR_EQUAL(">=", "at or above"),
        LESS("<", "below"),
        LESS_OR_EQUAL("<=", "at or below");

        private final String symbol;
        private final String words;

        Operator(String symbol, String words) {
            this.symbol = symbol;
            this.words = words;
        }

        public String symbol() {
            return symbol;
        }

        /** The comparison in words, for sentences such as "error rate 5.1% is above 2%". */
        public String words() {
            return words;
        }

        boolean holds(double value, double threshold) {
            return switch (this) {
                case GREATER -> value > threshold;
                case GREATER_OR_EQUAL -> value >= threshold;
                case LESS -> value < threshold;
                case LESS_OR_EQUAL -> value <= threshold;
            };
        }

        static Operator of(String symbol) {
            return switch (symbol) {
                case ">" -> GREATER;
                case ">=" -> GREATER_OR_EQUAL;
                case "<" -> LESS;
                case "<=" -> LESS_OR_EQUAL;
                default -> throw new IllegalArgumentException("not a comparison: " + symbol);
            };
        }
    }

    /** A condition that cannot be used: its message says what is wrong and how to write it. */
    public static final class Invalid extends IllegalArgumentException {

        private final String suggestion;

        Invalid(String message, String suggestion) {
            super(message);
            this.suggestion = suggestion;
        }

        /** The condition the user probably meant, when there is one to offer. */
        public Optional<String> suggestion() {
            return Optional.ofNullable(suggestion);
        }
    }
}
