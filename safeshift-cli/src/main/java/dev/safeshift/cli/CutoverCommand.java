package dev.safeshift.cli;

import dev.safeshift.app.Migration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "cutover", mixinStandardHelpOptions = true, description = {
        "Move the application from the source to the target, through the running daemon.",
        "Checks first that the stream is within cutover.max-lag and that the last verification is clean and within",
        "cutover.verified-within; then holds the application's traffic, fences writes to the moved tables on the source,",
        "waits until the target has applied the source's log past a mark written after the fence, moves the target's",
        "sequences past the source's, closes the source tables to writes and switches the traffic to the target.",
        "All of it within cutover.write-pause-budget, or it gives up and the application goes on with the source.",
        "Exit code 0: cut over; 12: given up and undone (the application runs on the source); 8: refused, nothing held."})
final class CutoverCommand implements Callable<Integer> {

    /** The cutover gave up within its budget and undid itself: the application runs on the source. */
    static final int GAVE_UP = 12;

    @Mixin
    Options.PlanArgument plan = new Options.PlanArgument();

    @Override
    public Integer call() throws InterruptedException {
        Migration migration = new Migration(plan.load(), Options.actor());
        System.out.println("Asking the daemon of migration '" + migration.plan().name() + "' to cut over...");
        Migration.SwitchAnswer answer = migration.cutover();
        System.out.println(capitalized(answer.text()) + ".");
        System.out.println("`safeshift status " + plan.planFile + "` shows the migration; its timeline has every step.");
        return answer.switched() ? 0 : GAVE_UP;
    }

    /** The daemon's answer as a sentence of its own. */
    static String capitalized(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
