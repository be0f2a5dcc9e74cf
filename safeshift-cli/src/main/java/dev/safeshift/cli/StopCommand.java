package dev.safeshift.cli;

import dev.safeshift.app.Migration;
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
        long id = new Migration(plan.load(), Options.actor()).requestStop();
        System.out.println("Stop requested (request " + id + "). The daemon stops after the work in hand is "
                + "checkpointed; `safeshift status " + plan.planFile + "` shows when it has.");
        return 0;
    }
}
