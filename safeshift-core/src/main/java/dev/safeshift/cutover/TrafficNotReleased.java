package dev.safeshift.cutover;

import dev.safeshift.SafeshiftException;

/**
 * The traffic switch failed to let the application's traffic go, at the end of a switch or when
 * it gave up: traffic may still be held, and the migration is left under way ({@link Leg#during()})
 * so that a restarted daemon ends the switch from what the databases say and releases again
 * ({@link CutoverRecovery}). Never a refusal: something was held.
 */
public final class TrafficNotReleased extends SafeshiftException {

    public TrafficNotReleased(String message, Throwable cause) {
        super(Kind.STATE, message, cause);
    }
}
