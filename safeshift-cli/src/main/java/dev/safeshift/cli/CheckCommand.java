package dev.safeshift.cli;

import dev.safeshift.SafeshiftException;
import dev.safeshift.check.Severity;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.Plan;
import dev.safeshift.postgres.rehearse.RehearsalRecord;
import dev.safeshift.postgres.review.ChangeCheck;
import dev.safeshift.postgres.review.ChangeReport;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Review the plan's schema change (change:) before it runs, against the live source: for each "
                + "statement the lock it takes and what that blocks, whether it rewrites or scans the table, how long "
                + "that takes at the table's real size, and the safe alternative. Also reviews the plan itself "
                + "(triggers, owners, verification). Nothing on the source is changed.",
                "",
                "Exit codes: 0 nothing at or above --fail-on; " + CheckCommand.FINDINGS_EXIT_CODE
                        + " findings at or above --fail-on; 2 bad plan; 3 a database is unreachable; 1 anything else."})
final class CheckCommand implements Callable<Integer> {

    /** Distinct from every error code, so CI can tell "the change is risky" from "the check could not run". */
    static final int FINDINGS_EXIT_CODE = 10;

    @Mixin
    Options.PlanArgument plan = new Options.PlanArgument();

    @Option(names = "--json", description = "Print the report as JSON on standard output (progress goes to standard error).")
    boolean json;

    @Option(names = "--fail-on", paramLabel = "SEVERITY", defaultValue = "high",
            description = "Exit with code " + FINDINGS_EXIT_CODE + " when a finding is at least this severe: info, low, "
                    + "medium, high (default) or critical.")
    String failOn;

    @Option(names = "--trace", description = "Also run each statement on a scratch copy of the tables (definitions "
            + "only, no rows) and read what the server really locks, rewrites and scans; where that disagrees with "
            + "the rules, the trace wins and the report shows both.")
    boolean trace;

    @Mixin
    Options.ScratchServer scratch = new Options.ScratchServer();

    @Override
    public Integer call() throws Exception {
        Severity threshold;
        try {
            threshold = Severity.ofLabel(failOn);
        } catch (IllegalArgumentException e) {
            throw new SafeshiftException(SafeshiftException.Kind.BAD_PLAN, "--fail-on: " + e.getMessage());
        }
        Plan loaded = plan.loadAnyKind();
        if (loaded.change().isEmpty()) {
            throw new SafeshiftException(SafeshiftException.Kind.BAD_PLAN, plan.planFile + " has no change: to check. Add "
                    + "the statements (a list of SQL texts, or the path of a migration file such as V7__add_check.sql) "
                    + "under change:; docs/plan-reference.md describes it.");
        }
        Optional<Endpoint> server = scratch.endpoint(loaded);
        if (server.isPresent() && !trace) {
            throw new SafeshiftException(SafeshiftException.Kind.BAD_PLAN, "--scratch is the server to trace on; add "
                    + "--trace, or leave --scratch out");
        }
        Optional<ChangeCheck.Tracing> tracing = trace ? Optional.of(new ChangeCheck.Tracing(server)) : Optional.empty();
        ChangeReport report = new ChangeCheck(loaded, tracing, RehearsalRecord.latestStatements(loaded),
                message -> System.err.println(message)).run();
        if (json) {
            System.out.println(CheckReportJson.render(report, threshold));
        } else {
            System.out.print(CheckReportText.render(report, threshold));
        }
        return report.failsAt(threshold) ? FINDINGS_EXIT_CODE : 0;
    }
}
