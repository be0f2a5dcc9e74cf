package dev.safeshift.store;

import java.time.Instant;
import java.util.OptionalDouble;

/**
 * One stored evaluation of a cutover trigger, or a baseline measurement (then {@code verdict},
 * {@code threshold}, {@code consecutive} and {@code fired} say nothing).
 */
public record TriggerRecord(String trigger, Instant at, String verdict, OptionalDouble value, OptionalDouble threshold,
                            long samples, int consecutive, boolean fired, String reason) {

    /** A baseline: what the trigger's metric read on the source before the switch. */
    public static TriggerRecord baseline(String trigger, Instant at, OptionalDouble value, long samples, String detail) {
        return new TriggerRecord(trigger, at, "BASELINE", value, OptionalDouble.empty(), samples, 0, false, detail);
    }
}
