package dev.safeshift.plan;

import static dev.safeshift.plan.FieldType.CHOICE;
import static dev.safeshift.plan.FieldType.LIST;
import static dev.safeshift.plan.FieldType.MAP;
import static dev.safeshift.plan.FieldType.STRING;

/** The plan's {@code gate} section, part of {@link PlanSchema}: sign-offs and checks that guard the cutover. */
final class GateFields {

    /** Check names appear in reports and on the timeline, so they are short and plain like trigger names. */
    static final String CHECK_NAME_PATTERN = "[a-z][a-z0-9_-]{0,39}";

    private GateFields() {
    }

    static Field gate() {
        return Field.of("gate", MAP).absentWhenLeftOut().defaultText("the cutover's preconditions only")
                .description("The go/no-go gate of the cutover. `safeshift gate` evaluates it; `safeshift cutover` "
                        + "refuses unless every criterion passes (or `--override` says why, which the timeline keeps). "
                        + "Without this section the gate is the cutover's own preconditions: the stream within "
                        + "`cutover.max-lag` and a clean verification within `cutover.verified-within`. With it, also: "
                        + "every rollback trigger has an owner (their threshold and deadline are required anyway), "
                        + "at least one rollback trigger exists, each role in `signoffs` has signed this exact plan "
                        + "(`safeshift signoff`), and every check answers true.")
                .fields(
                        Field.of("signoffs", LIST).unique()
                                .description("The roles whose sign-off the cutover needs, such as `engineering` and "
                                        + "`finance`. A sign-off binds to the plan's exact content (its SHA-256, with "
                                        + "the change's SQL): once the plan changes, every role signs again.")
                                .items("roles", Field.of("", STRING).pattern(".*\\S.*", "a role, not blank")
                                        .example("engineering").build())
                                .example("[engineering, finance]").build(),
                        Field.of("checks", LIST)
                                .description("Queries of the team's own, each of which must answer true for the "
                                        + "gate to pass. Each runs in a read-only transaction with a 30 s statement "
                                        + "timeout; an error or a timeout fails the check.")
                                .items("checks", check()).build())
                .build();
    }

    private static Field check() {
        return Field.of("", MAP).fields(
                Field.of("name", STRING).required()
                        .pattern(CHECK_NAME_PATTERN, "lower-case letters, digits, _ or -, starting with a letter, at "
                                + "most 40 characters")
                        .description("Names the check in the gate's report.").example("no_pending_payments").build(),
                Field.of("database", CHOICE).choices("source", "target").defaultValue("target")
                        .description("Where the query runs.").example("source").build(),
                Field.of("sql", STRING).required()
                        .description("One statement that returns one row with one boolean column: true passes.")
                        .example("SELECT count(*) = 0 FROM payments WHERE status = 'pending'").build())
                .build();
    }
}
