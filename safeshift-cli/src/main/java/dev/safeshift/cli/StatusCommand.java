package dev.safeshift.cli;

import dev.safeshift.plan.Plan;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.StatusFormatter;
import dev.safeshift.store.StatusReport;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "status", mixinStandardHelpOptions = true, description = "Show where a migration stands, read from the control store only.")
final class StatusCommand implements Callable<Integer> {

    @Mixin
    Options.PlanArgument plan = new Options.PlanArgument();

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    public Integer call() {
        Plan loaded = plan.load();
        try (ControlStore store = ControlStore.open(loaded.controlEndpoint(), loaded.control().schema())) {
            StatusReport report = store.status(loaded.name());
            System.out.println(json ? new StatusFormatter().json(report) : new StatusFormatter().text(report));
            return 0;
        }
    }
}
