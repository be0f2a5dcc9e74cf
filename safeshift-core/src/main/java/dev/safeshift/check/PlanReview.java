package dev.safeshift.check;

import dev.safeshift.plan.Plan;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.trigger.TriggerAction;
import dev.safeshift.trigger.TriggerSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Reviews the plan itself, the part of {@code safeshift check} that needs no SQL: gaps that the
 * plan file allows but that make a migration riskier (no trigger that rolls back, nobody named,
 * nothing verified on a schedule, a large table changed without a rehearsal). What the plan file
 * must not hold at all, such as a rollback trigger without a deadline, the plan loader refuses
 * already, so it has no rule here. docs/check.md lists the rules.
 */
public final class PlanReview {

    /** A move whose cutover has no trigger with {@code action: rollback}. */
    public static final String NO_ROLLBACK_TRIGGER = "plan-no-rollback-trigger";
    /** A plan that names no {@code owners}. */
    public static final String NO_OWNERS = "plan-no-owners";
    /** A cutover trigger without an {@code owner}. */
    public static final String TRIGGER_WITHOUT_OWNER = "plan-trigger-without-owner";
    /** A move without a {@code verify} schedule. */
    public static final String NO_VERIFY_SCHEDULE = "plan-no-verify-schedule";
    /** A change to a large table that has not been rehearsed. */
    public static final String LARGE_TABLE_NOT_REHEARSED = "plan-large-table-not-rehearsed";

    /**
     * From this size a table is large. A statement that rewrites a table writes all of it again, with
     * its write-ahead log, and rebuilds every index; one that validates scans all of it. At 1 GiB that
     * is tens of seconds to minutes (one core reads 665 MB in 25 s for the checksum query measured in
     * docs/ARCHITECTURE.md), past what an application rides out behind a lock, so it is worth
     * measuring on a copy before it runs.
     */
    public static final long LARGE_TABLE_BYTES = 1L << 30;
    /** The same in rows, for narrow tables whose time goes into per-row work (checks, index entries). */
    public static final long LARGE_TABLE_ROWS = 10_000_000L;

    private PlanReview() {
    }

    /**
     * The findings about {@code plan}, plan-wide ones first, then one per large table in name order.
     *
     * @param sizes     the sizes of the plan's tables that the database knows; a table left out is not judged
     * @param rehearsed whether the change has been rehearsed ({@code safeshift rehearse}) at production size
     */
    public static List<Finding> review(Plan plan, Map<QualifiedName, TableSize> sizes, boolean rehearsed) {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(sizes, "sizes");
        List<Finding> findings = new ArrayList<>();
        boolean moves = plan.target().isPresent();
        if (moves) {
            rollbackTriggers(plan).forEach(findings::add);
        }
        if (plan.owners().isEmpty()) {
            findings.add(Finding.of(NO_OWNERS, Severity.MEDIUM, "owners", "the plan names no owners, so nobody is "
                    + "accountable for the migration in its reports and go/no-go checklist, or named to call when "
                    + "it goes wrong.", "Add owners: with the name, role and contact of the migration lead and of the "
                    + "owner of the service that uses the tables."));
        }
        if (moves) {
            findings.addAll(triggersWithoutOwner(plan));
            if (plan.verify().isEmpty()) {
                findings.add(Finding.of(NO_VERIFY_SCHEDULE, Severity.LOW, "verify", "the plan schedules no "
                        + "verification, so a difference between source and target is found only when someone runs "
                        + "safeshift verify, at the latest when the cutover asks for a clean one.",
                        "Add verify: with every: and sample:, such as every: 1h and sample: 5%, so differences show "
                                + "up while there is time to look into them."));
            }
        }
        if (plan.change().isPresent() && !rehearsed) {
            sizes.entrySet().stream()
                    .filter(entry -> large(entry.getValue()))
                    .sorted(Map.Entry.comparingByKey(Comparator.comparing(QualifiedName::toString)))
                    .forEach(entry -> findings.add(notRehearsed(entry.getKey(), entry.getValue())));
        }
        return List.copyOf(findings);
    }

    private static List<Finding> rollbackTriggers(Plan plan) {
        List<TriggerSpec> triggers = plan.cutover().triggers();
        if (triggers.stream().anyMatch(t -> t.action() == TriggerAction.ROLLBACK)) {
            return List.of();
        }
        String what = triggers.isEmpty()
                ? "the cutover has no triggers: nothing watches the target after the switch"
                : "none of the cutover's triggers rolls back (" + String.join(", ", triggers.stream()
                        .map(t -> t.name() + ": " + t.action().planValue()).toList()) + ")";
        return List.of(Finding.of(NO_ROLLBACK_TRIGGER, Severity.MEDIUM, "cutover.triggers", what + ", so when the "
                + "application fails on the target, traffic goes back to the source only when a person notices and "
                + "runs safeshift rollback.", "Add a trigger with action: rollback, a number in its condition and a "
                + "deadline, such as error_rate above 2% for 3 evaluations in a row, rolled back within 2m (see "
                + "docs/triggers.md)."));
    }

    /** Medium for a pause trigger, which waits for a person to decide; low for the others. */
    private static List<Finding> triggersWithoutOwner(Plan plan) {
        List<Finding> findings = new ArrayList<>();
        List<TriggerSpec> triggers = plan.cutover().triggers();
        String whom = plan.owners().isEmpty() ? "the person who answers for it"
                : "one of the plan's owners, such as " + plan.owners().get(0).name();
        for (int i = 0; i < triggers.size(); i++) {
            TriggerSpec trigger = triggers.get(i);
            if (trigger.owner().isPresent()) {
                continue;
            }
            boolean pause = trigger.action() == TriggerAction.PAUSE;
            findings.add(Finding.of(TRIGGER_WITHOUT_OWNER, pause ? Severity.MEDIUM : Severity.LOW,
                    "cutover.triggers[" + i + "] (" + trigger.name() + ")", "trigger " + trigger.name() + " has no "
                            + "owner, so when it fires nobody is named to answer for its threshold"
                            + (pause ? " or to decide, while the window it holds stays open, whether to roll back "
                            + "or complete." : " or to look into what it saw."),
                    "Add owner: with " + whom + "."));
        }
        return findings;
    }

    private static boolean large(TableSize size) {
        return size.bytes() >= LARGE_TABLE_BYTES || size.rows() >= LARGE_TABLE_ROWS;
    }

    private static Finding notRehearsed(QualifiedName table, TableSize size) {
        return Finding.of(LARGE_TABLE_NOT_REHEARSED, Severity.MEDIUM, table.toString(), table + " holds "
                + gibibytes(size.bytes()) + " in about " + String.format(Locale.ROOT, "%,d", size.rows()) + " rows, "
                + "and the change has not been rehearsed: how long its statements hold their locks or rewrite the "
                + "table at this size is not known.", "Run safeshift rehearse on the plan: it times each statement "
                + "on samples of the table and predicts its duration at this size, GO or NO-GO against the plan's "
                + "limits.");
    }

    private static String gibibytes(long bytes) {
        return bytes >= LARGE_TABLE_BYTES ? String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30))
                : String.format(Locale.ROOT, "%.0f MB", bytes / (double) (1L << 20));
    }
}
