package dev.safeshift.trigger;

import java.time.Instant;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One evaluation of a trigger, as it is stored and shown.
 *
 * @param trigger             the trigger's name
 * @param at                  the end of the window that was read
 * @param verdict             what the figures say
 * @param value               the metric's value, when one was read (also when too few samples make it inconclusive)
 * @param threshold           the value the condition compares with, when it could be computed (a relative
 *                            condition needs a baseline value)
 * @param samples             how many observations the value rests on
 * @param consecutiveBreaches breaches in a row after this evaluation, counting inconclusive evaluations that
 *                            {@code on-inconclusive: breach} counts as breaches
 * @param fired               whether this evaluation fired the trigger; only the one evaluation that reaches the
 *                            required count does, a trigger fires once
 * @param reason              the evaluation in a sentence a person can read without knowing the code, such as
 *                            "error rate 5.1% is above 2% (412 calls); 2 of 3 consecutive breaches"
 */
public record Evaluation(String trigger, Instant at, Verdict verdict, OptionalDouble value, OptionalDouble threshold,
                         long samples, int consecutiveBreaches, boolean fired, String reason) {

    public Evaluation {
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(threshold, "threshold");
        Objects.requireNonNull(reason, "reason");
    }
}
