package dev.safeshift.cli;

import dev.safeshift.app.Migration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "complete", mixinStandardHelpOptions = true, description = {
        "End the cutover window: the application stays on the target for good.",
        "The daemon stops the stream that carries the target's writes back to the source, drops the replication slots",
        "and publications of both directions, and exits. There is no rollback after this. The source tables keep",
        "refusing writes; drop or archive them when you no longer need them.",
        "Refused (exit code 8) while a trigger with action: pause holds the window, unless --despite-hold says why."})
final class CompleteCommand implements Callable<Integer> {

    @Mixin
    Options.PlanArgument plan = new Options.PlanArgument();

    @Option(names = "--despite-hold", paramLabel = "<why>", description = {
            "End the window although a pause trigger holds it. The reason goes on the timeline with your",
            "operating system user name."})
    String despiteHold;

    @Override
    public Integer call() throws InterruptedException {
        if (despiteHold != null && despiteHold.isBlank()) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--despite-hold needs a reason, which the timeline keeps");
        }
        Migration migration = new Migration(plan.load(), Options.actor());
        String answer = migration.complete(Optional.ofNullable(despiteHold));
        System.out.println(CutoverCommand.capitalized(answer) + ".");
        System.out.println("`safeshift status " + plan.planFile + "` shows when the daemon is done.");
        return 0;
    }
}
