package dev.safeshift.cli;

import dev.safeshift.plan.Plan;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.MigrationRecord;
import dev.safeshift.store.Request;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "stop", mixinStandardHelpOptions = true, description = {
        "Ask the running daemon to stop cleanly (it checks for requests every second).",
        "Running `safeshift run` again resumes."})
final class StopCommand implements Callable<Integer> {

    @Mixin
    Options.PlanArgument plan = new Options.PlanArgument();

    @Override
    public Integer call() {
        Plan loaded = plan.load();
        try (ControlStore store = ControlStore.open(loaded.controlEndpoint(), loaded.control().schema())) {
            MigrationRecord migration = store.require(loaded.name());
            long id = store.request(migration.id(), Request.STOP, Options.actor(), "{}");
            System.out.println("Stop requested (request " + id + "). The daemon stops after the work in hand is "
                    + "checkpointed; `safeshift status " + plan.planFile + "` shows when it has.");
            return 0;
        }
    }
}
