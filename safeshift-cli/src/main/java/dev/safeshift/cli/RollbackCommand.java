package dev.safeshift.cli;

import dev.safeshift.app.Migration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "rollback", mixinStandardHelpOptions = true, description = {
        "Take the application back from the target to the source, through the running daemon, after a cutover.",
        "The same steps as the cutover the other way: hold the traffic, fence writes to the moved tables on the target,",
        "wait until the source has applied the target's log past a mark written after the fence (every write made on the",
        "target since the cutover is then on the source), move the source's sequences past the target's, close the target",
        "tables to writes and switch the traffic to the source, which streams into the target again.",
        "All of it within cutover.write-pause-budget, or it gives up and the application goes on with the target.",
        "Exit code 0: rolled back; 12: given up and undone (the application runs on the target); 8: refused, nothing held."})
final class RollbackCommand implements Callable<Integer> {

    @Mixin
    Options.PlanArgument plan = new Options.PlanArgument();

    @Override
    public Integer call() throws InterruptedException {
        Migration migration = new Migration(plan.load(), Options.actor());
        System.out.println("Asking the daemon of migration '" + migration.plan().name() + "' to roll back...");
        Migration.SwitchAnswer answer = migration.rollback();
        System.out.println(CutoverCommand.capitalized(answer.text()) + ".");
        System.out.println("`safeshift status " + plan.planFile + "` shows the migration; its timeline has every step.");
        return answer.switched() ? 0 : CutoverCommand.GAVE_UP;
    }
}
