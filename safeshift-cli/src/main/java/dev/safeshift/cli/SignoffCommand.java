package dev.safeshift.cli;

import dev.safeshift.app.GoNoGo;
import dev.safeshift.gate.PlanFingerprint;
import dev.safeshift.plan.Plan;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "signoff", mixinStandardHelpOptions = true, description = {
        "Sign off this exact plan in a role its gate requires (gate.signoffs). The sign-off is kept on the",
        "migration's hash-chained timeline with the plan's SHA-256 and the gate's evidence at this moment; it",
        "counts only while the plan is unchanged: edit the plan (or its change's SQL) and every role signs again."})
final class SignoffCommand implements Callable<Integer> {

    @Mixin
    Options.PlanArgument plan = new Options.PlanArgument();

    @Mixin
    Options.PolicyFile policy = new Options.PolicyFile();

    @Option(names = "--name", required = true, paramLabel = "FULL-NAME", description = "Who signs, by full name.")
    String name;

    @Option(names = "--role", required = true, paramLabel = "ROLE", description = "The role signed for, one of "
            + "gate.signoffs (case does not matter).")
    String role;

    @Option(names = "--comment", paramLabel = "TEXT", description = "What the signer adds, kept with the sign-off.")
    String comment;

    @Override
    public Integer call() {
        Plan loaded = plan.load();
        GoNoGo.Signed signed = new GoNoGo(loaded, policy.find(loaded), Options.actor())
                .signoff(name, role, Optional.ofNullable(comment));
        System.out.println("Recorded: " + name.strip() + " signed off plan " + PlanFingerprint.shortForm(
                signed.gate().planSha256()) + " as " + signed.role() + " (timeline event " + signed.seq() + ").");
        System.out.println("The gate when signing:");
        System.out.print(GateReportText.render(signed.gate()));
        return 0;
    }
}
