package dev.safeshift.cli;

import dev.safeshift.app.Migration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "complete", mixinStandardHelpOptions = true, description = {
        "End the cutover window: the application stays on the target for good.",
        "The daemon stops the stream that carries the target's writes back to the source, drops the replication slots",
        "and publications of both directions, and exits. There is no rollback after this. The source tables keep",
        "refusing writes; drop or archive them when you no longer need them."})
final class CompleteCommand implements Callable<Integer> {

    @Mixin
    Options.PlanArgument plan = new Options.PlanArgument();

    @Override
    public Integer call() throws InterruptedException {
        Migration migration = new Migration(plan.load(), Options.actor());
        String answer = migration.complete();
        System.out.println(CutoverCommand.capitalized(answer) + ".");
        System.out.println("`safeshift status " + plan.planFile + "` shows when the daemon is done.");
        return 0;
    }
}
