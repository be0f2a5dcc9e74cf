package dev.safeshift.cli;

import dev.safeshift.SafeshiftException;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.Plan;
import dev.safeshift.postgres.rehearse.Rehearsal;
import dev.safeshift.postgres.rehearse.RehearsalJson;
import dev.safeshift.postgres.rehearse.RehearsalRecord;
import dev.safeshift.postgres.rehearse.RehearsalReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "rehearse", mixinStandardHelpOptions = true,
        description = {"Rehearse the plan's schema change (change:) on samples of the source tables on a scratch "
                + "server, at several sample sizes, and predict from the measured times how long each step takes at "
                + "the tables' production size and how long it makes the application's writes wait; then say GO or "
                + "NO-GO against apply.max-write-wait and apply.window. The source's tables are only read; the sampled rows "
                + "(production data) live on the scratch server until the rehearsal ends. The result is kept in the "
                + "control store, and status shows it.",
                "",
                "Exit codes: 0 GO; " + RehearseCommand.NO_GO_EXIT_CODE + " NO-GO; 2 bad plan or option; 3 a database "
                        + "is unreachable; 5 a table cannot be copied to the scratch server; 8 a table was never "
                        + "analysed; 1 anything else."})
final class RehearseCommand implements Callable<Integer> {

    static final int NO_GO_EXIT_CODE = 13;

    @Mixin
    Options.PlanArgument plan = new Options.PlanArgument();

    @Option(names = "--sample", paramLabel = "P%", defaultValue = "1%", description = "The largest sample, as a share "
            + "of each table's rows (default 1%); the smaller ones are a tenth and three tenths of it.")
    String sample;

    @Option(names = "--scales", paramLabel = "P%,P%,...", split = ",", description = "The sample sizes to run at, "
            + "instead of those --sample gives, e.g. 0.1%,0.3%,1%. At least two; more give a surer fit.")
    List<String> scales;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "2", description = "Runs at each size (default 2); "
            + "the fastest time of each step counts, which takes out a slow moment of the server.")
    int repeat;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seed of the row sample: the same "
            + "seed draws the same rows again (default 42).")
    long seed;

    @Option(names = "--as-written", description = "Rehearse the statements as written, instead of the online form "
            + "safeshift run applies (NOT VALID + VALIDATE, CONCURRENTLY, NOT NULL through a validated check).")
    boolean asWritten;

    @Option(names = "--json", description = "Print the report as JSON on standard output (progress goes to standard error).")
    boolean json;

    @Mixin
    Options.ScratchServer scratch = new Options.ScratchServer();

    @Override
    public Integer call() throws Exception {
        List<Double> shares = shares();
        if (repeat < 1 || repeat > 10) {
            throw new SafeshiftException(SafeshiftException.Kind.BAD_PLAN, "--repeat is between 1 and 10, not " + repeat);
        }
        Plan loaded = plan.loadAnyKind();
        if (loaded.change().isEmpty()) {
            throw new SafeshiftException(SafeshiftException.Kind.BAD_PLAN, plan.planFile + " has no change: to rehearse. "
                    + "Add the statements under change:; docs/plan-reference.md describes it.");
        }
        Optional<Endpoint> server = scratch.endpoint(loaded);
        Rehearsal rehearsal = new Rehearsal(loaded, new Rehearsal.Options(server, shares, repeat, seed, asWritten),
                message -> System.err.println(message));
        // Ctrl-C or SIGTERM: the scratch databases hold production rows, so they go too.
        Thread dropOnStop = new Thread(rehearsal::dropScratchDatabases, "safeshift-rehearse-stop");
        Runtime.getRuntime().addShutdownHook(dropOnStop);
        RehearsalReport report;
        try {
            report = rehearsal.run();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(dropOnStop);
            } catch (IllegalStateException alreadyStopping) {
                // the hook is running or has run
            }
        }
        // Printed first: a control store that cannot be written must not cost the user the measurements.
        if (json) {
            System.out.println(RehearsalJson.of(report).toPrettyString());
        } else {
            System.out.print(RehearsalReportText.render(report));
        }
        RehearsalRecord.save(loaded, report, Options.actor());
        return report.go() ? 0 : NO_GO_EXIT_CODE;
    }

    private List<Double> shares() {
        if (scales != null && !scales.isEmpty()) {
            List<Double> shares = new ArrayList<>();
            for (String scale : scales) {
                shares.add(share("--scales", scale));
            }
            if (shares.size() < 2 || shares.stream().distinct().count() != shares.size()) {
                throw new SafeshiftException(SafeshiftException.Kind.BAD_PLAN, "--scales needs at least two different "
                        + "sizes, such as 0.1%,0.3%,1%");
            }
            return shares.stream().sorted().toList();
        }
        double largest = share("--sample", sample);
        return List.of(largest / 10, largest * 0.3, largest);
    }

    private static double share(String option, String text) {
        String trimmed = text.trim();
        if (!trimmed.endsWith("%")) {
            throw new SafeshiftException(SafeshiftException.Kind.BAD_PLAN, option + " takes percentages such as 1%, not '"
                    + text + "'");
        }
        double percent;
        try {
            percent = Double.parseDouble(trimmed.substring(0, trimmed.length() - 1).trim());
        } catch (NumberFormatException e) {
            throw new SafeshiftException(SafeshiftException.Kind.BAD_PLAN, option + " takes percentages such as 1%, not '"
                    + text + "'");
        }
        if (!(percent > 0 && percent <= 100)) {
            throw new SafeshiftException(SafeshiftException.Kind.BAD_PLAN, option + " is more than 0% and at most 100%, "
                    + "not " + text);
        }
        return percent / 100;
    }
}
