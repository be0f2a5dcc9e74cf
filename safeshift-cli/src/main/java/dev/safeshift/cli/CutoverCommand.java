package dev.safeshift.cli;

import dev.safeshift.app.GoNoGo;
import dev.safeshift.app.Migration;
import dev.safeshift.gate.GateReport;
import dev.safeshift.plan.Plan;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "cutover", mixinStandardHelpOptions = true, description = {
        "Move the application from the source to the target, through the running daemon.",
        "Evaluates the go/no-go gate first (as `safeshift gate` prints it) and refuses unless it passes, or unless",
        "--override says why, which the timeline keeps with who decided. The daemon checks again that the stream is",
        "within cutover.max-lag and the last verification clean and within cutover.verified-within; then holds the application's traffic, fences writes to the moved tables on the source,",
        "waits until the target has applied the source's log past a mark written after the fence, moves the target's",
        "sequences past the source's, closes the source tables to writes and switches the traffic to the target.",
        "All of it within cutover.write-pause-budget, or it gives up and the application goes on with the source.",
        "Exit code 0: cut over; 12: given up and undone (the application runs on the source); 13: the gate did not",
        "pass, nothing held; 8: refused, nothing held."})
final class CutoverCommand implements Callable<Integer> {

    /** The cutover gave up within its budget and undid itself: the application runs on the source. */
    static final int GAVE_UP = 12;

    @Mixin
    Options.PlanArgument plan = new Options.PlanArgument();

    @Mixin
    Options.PolicyFile policy = new Options.PolicyFile();

    @Option(names = "--override", paramLabel = "REASON", description = "Cut over although the go/no-go gate does not "
            + "pass; the reason, who gave it and the gate's evidence are kept on the timeline.")
    String override;

    @Override
    public Integer call() throws InterruptedException {
        Plan loaded = plan.load();
        GoNoGo decision = new GoNoGo(loaded, policy.find(loaded), Options.actor());
        GateReport gate = decision.evaluate();
        if (!gate.passed()) {
            System.out.print(GateReportText.render(gate));
            if (override == null) {
                System.out.println("Nothing was done. Fix what does not pass, or cut over anyway with --override "
                        + "\"<reason>\", which the timeline keeps with your name.");
                return GateCommand.NO_GO;
            }
            decision.recordOverride(override, gate);
            System.out.println("Overriding the gate (recorded on the timeline): " + override.strip());
        }
        Migration migration = new Migration(loaded, Options.actor());
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
