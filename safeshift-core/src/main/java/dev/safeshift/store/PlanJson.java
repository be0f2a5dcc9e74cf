package dev.safeshift.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.safeshift.plan.VerifySchedule;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What status reads back from the plan JSON a migration was registered with (written by the
 * daemon's plan summary). Plans registered before a field existed simply lack it, so every
 * reading here is optional and never fails.
 */
final class PlanJson {

    private PlanJson() {
    }

    /** {@code verify.everySeconds} and {@code verify.samplePercent}, when the plan scheduled verification. */
    static Optional<VerifySchedule> verifySchedule(String planJson) {
        JsonNode verify = Json.tree(planJson).path("verify");
        JsonNode every = verify.path("everySeconds");
        if (!every.canConvertToLong()) {
            return Optional.empty();
        }
        JsonNode sample = verify.path("samplePercent");
        OptionalDouble percent = sample.isNumber() ? OptionalDouble.of(sample.asDouble()) : OptionalDouble.empty();
        try {
            return Optional.of(new VerifySchedule(Duration.ofSeconds(every.asLong()), percent));
        } catch (IllegalArgumentException notAValidSchedule) {
            return Optional.empty();
        }
    }
}
