package dev.safeshift.cutover;

import dev.safeshift.engine.Lag;
import dev.safeshift.plan.CutoverSettings;
import dev.safeshift.plan.Durations;
import dev.safeshift.store.VerificationSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What must hold before a cutover may hold the application's writes: the stream close behind the
 * source, a recent clean verification, the source tables closable, and a switch that can move the
 * application. Each failed check is one sentence, so the refusal says everything at once.
 */
public final class CutoverPreconditions {

    private CutoverPreconditions() {
    }

    public static List<String> check(CutoverSettings settings, Lag lag, Optional<VerificationSummary> lastVerification,
                                     Instant now, List<String> sourceProblems, List<String> switchProblems) {
        List<String> problems = new ArrayList<>();
        if (lag.millis() >= settings.maxLag().toMillis()) {
            problems.add("the change stream is " + lag.millis() + " ms behind the source, not less than cutover.max-lag ("
                    + Durations.format(settings.maxLag()) + ")");
        }
        if (lastVerification.isEmpty()) {
            problems.add("the migration was never verified; run safeshift verify (it must find the target equal to the"
                    + " source within cutover.verified-within, " + Durations.format(settings.verifiedWithin()) + ")");
        } else {
            VerificationSummary last = lastVerification.get();
            Duration age = Duration.between(last.recordedAt(), now);
            if (!last.clean()) {
                problems.add("the last verification found differences (" + last.missingInTarget() + " missing, "
                        + last.extraInTarget() + " extra, " + last.differing() + " differing, " + last.unsettled()
                        + " unsettled rows); find out why, then verify again");
            } else if (age.compareTo(settings.verifiedWithin()) > 0) {
                problems.add("the last clean verification is " + Durations.format(age) + " old, older than"
                        + " cutover.verified-within (" + Durations.format(settings.verifiedWithin()) + "); run safeshift"
                        + " verify again");
            }
        }
        problems.addAll(sourceProblems);
        problems.addAll(switchProblems);
        return problems;
    }
}
