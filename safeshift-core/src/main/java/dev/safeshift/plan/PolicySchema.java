package dev.safeshift.plan;

import static dev.safeshift.plan.FieldType.CHOICE;
import static dev.safeshift.plan.FieldType.DURATION;
import static dev.safeshift.plan.FieldType.LIST;
import static dev.safeshift.plan.FieldType.MAP;
import static dev.safeshift.plan.FieldType.STRING;

/** The fields of a policy file, checked with the same machinery and messages as a plan's. */
final class PolicySchema {

    static final String RULE_NAME_PATTERN = "[a-z][a-z0-9_-]{0,39}";

    private static final Field ROOT = Field.of("", MAP).fields(
            Field.of("policy", STRING).required().pattern(".*\\S.*", "a name, not blank")
                    .description("The policy's name, as reports show it.").example("acme-payments").build(),
            Field.of("rules", LIST).required().nonEmpty()
                    .description("The rules every plan must satisfy; each requires one thing.")
                    .items("rules", rule()).build())
            .build();

    private PolicySchema() {
    }

    static Field root() {
        return ROOT;
    }

    private static Field rule() {
        return Field.of("", MAP).fields(
                Field.of("name", STRING).required().pattern(RULE_NAME_PATTERN, "lower-case letters, digits, _ or -, "
                        + "starting with a letter, at most 40 characters")
                        .description("Names the rule in the gate's report.").example("finance-signs-payments").build(),
                Field.of("why", STRING).description("Where the rule comes from, such as a postmortem.")
                        .example("2026-03 payments outage postmortem").build(),
                Field.of("signoffs", LIST).unique().description("Roles that must have signed the exact plan.")
                        .items("roles", Field.of("", STRING).pattern(".*\\S.*", "a role, not blank").build()).build(),
                Field.of("verified-within", DURATION).description("The last verification is clean and no older.")
                        .build(),
                Field.of("clean-verification-for", DURATION)
                        .description("Every verification for at least this long before the cutover was clean.").build(),
                Field.of("rollback-trigger", CHOICE).choices("required")
                        .description("At least one rollback trigger, each with an owner.").build())
                .build();
    }
}
