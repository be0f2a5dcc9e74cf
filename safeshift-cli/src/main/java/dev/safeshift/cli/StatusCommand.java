package dev.safeshift.cli;

import dev.safeshift.app.Migration;
import dev.safeshift.plan.Plan;
import dev.safeshift.store.StatusFormatter;
import dev.safeshift.store.StatusReport;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "status", mixinStandardHelpOptions = true, description = {
        "Show where a migration stands: phase, progress, stream lag, verification, recent events (from the control"
                + " store), whether a daemon is running, and how much write-ahead log the source keeps for the"
                + " migration's replication slot (measured on the source).",
        "For a plan that only changes the source in place: the steps safeshift run has applied, and the latest"
                + " rehearsal with its verdict."})
final class StatusCommand implements Callable<Integer> {

    @Mixin
    Options.PlanArgument plan = new Options.PlanArgument();

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    public Integer call() {
        Plan loaded = plan.loadAnyKind();
        if (loaded.target().isEmpty()) {
            var status = ChangeStatus.read(loaded);
            System.out.print(json ? status.toPrettyString() + "\n" : ChangeStatus.text(status));
            return 0;
        }
        StatusReport report = new Migration(plan.load(), Options.actor()).status();
        System.out.println(json ? new StatusFormatter().json(report) : new StatusFormatter().text(report));
        return 0;
    }
}
