package dev.safeshift.postgres.rehearse;

import java.util.Objects;
import java.util.Optional;

/**
 * What the rehearsal measured for a step and what it predicts at production size.
 *
 * @param fit            the model fitted to the samples; empty when the step failed on a sample
 * @param readSeconds    time added for reading the production table more slowly than the scratch
 *                       server read its sample (0 when it did not read slower), included in the prediction
 * @param prediction     the production duration; empty when the step failed
 * @param failure        the error the step ended with on a sample
 */
public record RehearsedStep(PlannedStep step, Optional<CostFit> fit, double readSeconds,
                            Optional<Prediction> prediction, Optional<String> failure) {

    public RehearsedStep {
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(fit, "fit");
        Objects.requireNonNull(prediction, "prediction");
        Objects.requireNonNull(failure, "failure");
    }

    /** How long the application's writes wait for the step in production (its duration when its lock blocks writes). */
    public Optional<Prediction> writesBlocked() {
        return step.writeBlocking().isPresent() ? prediction : Optional.of(new Prediction(0, 0, 0));
    }
}
