package dev.safeshift.cutover;

import java.util.Optional;

/**
 * How a cutover ended: switched to the target, or given up (and undone) at a step, with the
 * reason; and how long the application's writes were paused either way.
 */
public record CutoverOutcome(boolean switched, Optional<String> gaveUpAt, Optional<String> reason,
                             long writePauseMillis) {

    static CutoverOutcome switched(long writePauseMillis) {
        return new CutoverOutcome(true, Optional.empty(), Optional.empty(), writePauseMillis);
    }

    static CutoverOutcome abandoned(String step, String reason, long writePauseMillis) {
        return new CutoverOutcome(false, Optional.of(step), Optional.of(reason), writePauseMillis);
    }

    /** The outcome as one sentence, for the request's answer and the command's output. */
    public String describe() {
        return switched
                ? "cut over: the application runs on the target; writes were paused for " + writePauseMillis + " ms"
                : "gave up at " + gaveUpAt.orElse("?") + ": " + reason.orElse("?") + ". The application runs on the"
                + " source, which takes writes; writes were paused for " + writePauseMillis + " ms";
    }
}
