package dev.safeshift.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safeshift.app.GoNoGo;
import dev.safeshift.gate.PlanFingerprint;
import dev.safeshift.gate.Signoff;
import dev.safeshift.store.TimelineEvent;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "audit", mixinStandardHelpOptions = true, description = {
        "Verify the migration's timeline: every event is chained to the one before by a SHA-256 over its content,",
        "so an event changed, removed or inserted in the database afterwards breaks the chain, and the first",
        "broken event is named. Lists the sign-offs (current, or of an earlier version of the plan) and the",
        "cutovers started despite the gate.",
        "Exit code 0: the chain holds; 14: the timeline was altered."})
final class AuditCommand implements Callable<Integer> {

    static final int TAMPERED = 14;

    @Mixin
    Options.PlanArgument plan = new Options.PlanArgument();

    @Override
    public Integer call() {
        GoNoGo.Audit audit = new GoNoGo(plan.load(), java.util.Optional.empty(), Options.actor()).audit();
        if (audit.chain().ok()) {
            System.out.println("Timeline intact: " + audit.chain().eventsChecked() + " events, each chained to the one "
                    + "before.");
        } else {
            System.out.println("TIMELINE ALTERED at event " + audit.chain().firstBrokenSeq().map(String::valueOf)
                    .orElse("?") + ": " + audit.chain().problem().orElse("") + ". Events from there on cannot be "
                    + "trusted; sign-offs and decisions recorded there must be confirmed with the people named.");
        }
        audit.last().ifPresent(last -> System.out.println("Latest event: " + last.seq() + " (" + last.kind() + ", "
                + last.at() + "), hash " + last.hash() + ". Kept outside the database (in the change ticket), it also "
                + "shows a rewrite of the whole chain."));
        System.out.println("Plan at hand: " + PlanFingerprint.shortForm(audit.planSha256()) + " (SHA-256 "
                + audit.planSha256() + ")");
        long trustedBelow = audit.chain().firstBrokenSeq().orElse(Long.MAX_VALUE);
        System.out.println(audit.signoffs().isEmpty() ? "Sign-offs: none" : "Sign-offs:");
        for (Signoff signoff : audit.signoffs()) {
            boolean current = signoff.planSha256().equals(audit.planSha256());
            System.out.println("  " + signoff.at() + "  " + signoff.name() + " (" + signoff.role() + "), plan "
                    + PlanFingerprint.shortForm(signoff.planSha256()) + (current ? ", this plan" : ", an earlier "
                    + "version: no longer counts") + signoff.comment().map(c -> ": \"" + c + "\"").orElse("")
                    + " [event " + signoff.seq() + ", recorded by " + signoff.recordedBy() + "]"
                    + untrusted(signoff.seq(), trustedBelow));
        }
        System.out.println(audit.overrides().isEmpty() ? "Gate overrides: none" : "Gate overrides:");
        for (TimelineEvent override : audit.overrides()) {
            System.out.println("  " + override.at() + "  by " + override.actor() + ": \"" + reason(override)
                    + "\" [event " + override.seq() + "]" + untrusted(override.seq(), trustedBelow));
        }
        return audit.chain().ok() ? 0 : TAMPERED;
    }

    private static String reason(TimelineEvent override) {
        try {
            return new ObjectMapper().readTree(override.detail()).path("reason").asText("?");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return "(the event is not JSON: " + e.getOriginalMessage() + ")";
        }
    }

    private static String untrusted(long seq, long trustedBelow) {
        return seq >= trustedBelow ? " UNTRUSTED: at or after the altered event" : "";
    }
}
