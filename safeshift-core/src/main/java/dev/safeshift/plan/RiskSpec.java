package dev.safeshift.plan;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The plan's risk register and the business figure that turns time into money.
 *
 * @param revenuePerMinute {@code business.revenue-per-minute}: what a minute of the application not
 *                         taking writes costs, if the plan says
 * @param entries          the plan's own {@code risks}
 */
public record RiskSpec(Optional<Money> revenuePerMinute, List<Entry> entries) {

    public static final RiskSpec NONE = new RiskSpec(Optional.empty(), List.of());

    public RiskSpec {
        Objects.requireNonNull(revenuePerMinute, "revenuePerMinute");
        entries = List.copyOf(entries);
    }

    /** An amount of a currency, such as 1200 USD. */
    public record Money(BigDecimal amount, String currency) {

        public Money {
            Objects.requireNonNull(amount, "amount");
            Objects.requireNonNull(currency, "currency");
        }

        /** "1200 USD" (the plan's form: a number, a space, a three-letter code). */
        public static Money parse(String text) {
            String[] parts = text.strip().split("\\s+");
            if (parts.length != 2 || !parts[1].matches("[A-Z]{3}")) {
                throw new IllegalArgumentException("an amount and a currency code, such as 1200 USD, not " + text);
            }
            return new Money(new BigDecimal(parts[0]), parts[1]);
        }
    }

    /**
     * One risk the plan's authors name.
     *
     * @param failureMode what could go wrong, in business words
     * @param likelihood  low, medium or high
     * @param impact      what it would cost, in words
     * @param mitigation  what is done about it
     * @param owner       who answers for it
     */
    public record Entry(String failureMode, String likelihood, String impact, String mitigation, String owner) {

        public Entry {
            Objects.requireNonNull(failureMode, "failureMode");
            Objects.requireNonNull(likelihood, "likelihood");
            Objects.requireNonNull(impact, "impact");
            Objects.requireNonNull(mitigation, "mitigation");
            Objects.requireNonNull(owner, "owner");
        }
    }
}
