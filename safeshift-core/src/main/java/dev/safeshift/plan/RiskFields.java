package dev.safeshift.plan;

import static dev.safeshift.plan.FieldType.CHOICE;
import static dev.safeshift.plan.FieldType.LIST;
import static dev.safeshift.plan.FieldType.MAP;
import static dev.safeshift.plan.FieldType.STRING;

/** The plan's {@code business} and {@code risks} sections, part of {@link PlanSchema}: the risk register's inputs. */
final class RiskFields {

    static final String MONEY_PATTERN = "[0-9]+(\\.[0-9]+)? [A-Z]{3}";

    private RiskFields() {
    }

    static Field business() {
        return Field.of("business", MAP).absentWhenLeftOut().defaultText("none: risks are stated in time only")
                .description("Business figures that let reports state risks in money.")
                .fields(Field.of("revenue-per-minute", STRING).required()
                        .pattern(MONEY_PATTERN, "an amount and a currency code, such as 1200 USD")
                        .description("What a minute of the application not taking writes costs: a predicted lock, "
                                + "a held cutover or the time a rollback takes is multiplied by it in the risk register.")
                        .example("1200 USD").build())
                .build();
    }

    static Field risks() {
        return Field.of("risks", LIST)
                .description("The risk register's own entries, in business terms; the reports add the ones that come "
                        + "from the plan's numbers (the cutover's write pause, each rollback trigger's deadline).")
                .items("risks", Field.of("", MAP).fields(
                        Field.of("failure-mode", STRING).required().description("What could go wrong.")
                                .example("card payments fail after the switch").build(),
                        Field.of("likelihood", CHOICE).required().choices("low", "medium", "high")
                                .description("How likely it is.").example("low").build(),
                        Field.of("impact", STRING).required().description("What it would cost, in words.")
                                .example("customers cannot pay until the rollback completes").build(),
                        Field.of("mitigation", STRING).required().description("What is done about it.")
                                .example("payment_errors rolls back within 2m").build(),
                        Field.of("owner", STRING).required().description("Who answers for it.")
                                .example("Ana Lima").build())
                        .build())
                .build();
    }
}
