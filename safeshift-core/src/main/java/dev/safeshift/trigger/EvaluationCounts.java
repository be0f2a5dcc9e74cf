package dev.safeshift.trigger;

/**
 * How a trigger's evaluations have gone so far, for status and the dashboard: inconclusive
 * evaluations are counted on their own, so a trigger that has not seen data for a while shows it.
 *
 * @param evaluations         every evaluation so far
 * @param passes              of which passed
 * @param breaches            of which were measured breaches
 * @param inconclusive        of which were inconclusive, whatever {@code on-inconclusive} made of them
 * @param consecutiveBreaches breaches in a row now
 * @param inconclusiveInARow  inconclusive evaluations since the last conclusive one
 * @param fired               whether the trigger has fired
 */
public record EvaluationCounts(long evaluations, long passes, long breaches, long inconclusive,
                               int consecutiveBreaches, int inconclusiveInARow, boolean fired) {
}
