package dev.safeshift.dashboard;

import dev.safeshift.store.Phase;
import java.util.List;
import java.util.Objects;

/**
 * The one word a non-engineer reads first: ON TRACK, AT RISK, ROLLING BACK or DONE, with the
 * sentence that says why.
 *
 * @param word   the status in capitals
 * @param reason why, in plain words
 */
public record StatusWord(String word, String reason) {

    public static final String ON_TRACK = "ON TRACK";
    public static final String AT_RISK = "AT RISK";
    public static final String ROLLING_BACK = "ROLLING BACK";
    public static final String DONE = "DONE";

    public StatusWord {
        Objects.requireNonNull(word, "word");
        Objects.requireNonNull(reason, "reason");
    }

    /**
     * @param phase          the migration's phase
     * @param daemonRunning  whether a daemon runs it
     * @param problems       what needs attention now, in plain words (a verification that found
     *                       differences, a stream behind its limit, a trigger breached, a hold)
     */
    public static StatusWord of(Phase phase, boolean daemonRunning, List<String> problems) {
        if (phase == Phase.COMPLETED) {
            return new StatusWord(DONE, "The move is complete: the application runs on the new database.");
        }
        if (phase == Phase.ROLLING_BACK) {
            return new StatusWord(ROLLING_BACK, "The application is being moved back to the old database.");
        }
        if (!daemonRunning && phase != Phase.PLANNED) {
            return new StatusWord(AT_RISK, "Nothing is running the move right now (it was stopped or it failed): "
                    + "changes are not being copied.");
        }
        if (!problems.isEmpty()) {
            return new StatusWord(AT_RISK, String.join(" ", problems));
        }
        return new StatusWord(ON_TRACK, switch (phase) {
            case PLANNED -> "The move has not started yet.";
            case BACKFILL -> "Copying the existing rows to the new database.";
            case STREAMING -> "Every change is being copied to the new database as it happens.";
            case CUTTING_OVER -> "The application is being switched to the new database.";
            case CUT_OVER -> "The application runs on the new database; the old one is kept up to date in case of a "
                    + "rollback.";
            default -> "The move is " + phase.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ".";
        });
    }
}
