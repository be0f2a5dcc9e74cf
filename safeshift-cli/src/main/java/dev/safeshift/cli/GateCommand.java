package dev.safeshift.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safeshift.app.GoNoGo;
import dev.safeshift.gate.GateReport;
import dev.safeshift.plan.Plan;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "gate", mixinStandardHelpOptions = true, description = {
        "Evaluate the go/no-go gate of the cutover, for this exact plan, and print each criterion as PASS, FAIL or",
        "UNKNOWN with its evidence: the last verification clean and within cutover.verified-within; the stream",
        "within cutover.max-lag; and with a gate section in the plan, every rollback trigger owned, every role in",
        "gate.signoffs signed off for this plan's content, every gate check true. `safeshift cutover` refuses unless",
        "it passes.",
        "Exit code 0: GO; 13: NO-GO (the criteria that did not pass are named)."})
final class GateCommand implements Callable<Integer> {

    static final int NO_GO = 13;

    @Mixin
    Options.PlanArgument plan = new Options.PlanArgument();

    @Mixin
    Options.PolicyFile policy = new Options.PolicyFile();

    @Option(names = "--json", description = "Print the gate as JSON instead of text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Plan loaded = plan.load();
        GateReport report = new GoNoGo(loaded, policy.find(loaded), Options.actor()).evaluate();
        System.out.print(json ? new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(report.toJson())
                + "\n" : GateReportText.render(report));
        return report.passed() ? 0 : NO_GO;
    }
}
