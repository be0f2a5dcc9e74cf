package dev.safeshift.cli;

import dev.safeshift.plan.Plan;
import dev.safeshift.SafeshiftException;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.DaemonLock;
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
            if (!DaemonLock.isHeld(loaded.controlEndpoint(), loaded.control().schema(), loaded.name())) {
                // A request nobody reads now would stop the next daemon the moment it starts.
                throw new SafeshiftException(SafeshiftException.Kind.STATE, "no daemon is running migration '"
                        + loaded.name() + "' (phase " + migration.phase() + "), so there is nothing to stop.");
            }
            long id = store.request(migration.id(), Request.STOP, Options.actor(), "{}");
            System.out.println("Stop requested (request " + id + "). The daemon stops after the work in hand is "
                    + "checkpointed; `safeshift status " + plan.planFile + "` shows when it has.");
            return 0;
        }
    }
}
