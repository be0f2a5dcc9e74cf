package dev.safeshift.cutover;

import java.util.Optional;

/**
 * How a switch ended: traffic moved, or given up (and undone) at a step, with the reason; and how
 * long the application's writes were paused either way.
 */
public record CutoverOutcome(String name, String from, String to, boolean switched, Optional<String> gaveUpAt,
                             Optional<String> reason, long writePauseMillis) {

    static CutoverOutcome switched(Leg leg, long writePauseMillis) {
        return new CutoverOutcome(leg.name(), Leg.label(leg.from()), Leg.label(leg.to()), true, Optional.empty(),
                Optional.empty(), writePauseMillis);
    }

    static CutoverOutcome abandoned(Leg leg, String step, String reason, long writePauseMillis) {
        return new CutoverOutcome(leg.name(), Leg.label(leg.from()), Leg.label(leg.to()), false, Optional.of(step),
                Optional.of(reason), writePauseMillis);
    }

    /** The outcome as one sentence, for the request's answer and the command's output. */
    public String describe() {
        return switched
                ? "switched: the application runs on the " + to + "; writes were paused for " + writePauseMillis + " ms"
                : "gave up at " + gaveUpAt.orElse("?") + ": " + reason.orElse("?") + ". The application runs on the "
                + from + ", which takes writes; writes were paused for " + writePauseMillis + " ms";
    }
}
