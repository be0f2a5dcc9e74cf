package dev.safeshift.postgres.rehearse;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A rehearsal's outcome: what ran where, what was measured, the prediction and the verdict.
 *
 * @param plan        the plan's name
 * @param mode        "online" (the steps {@code safeshift run} applies) or "as written"
 * @param scratch     the scratch server's version, e.g. "PostgreSQL 15.4"
 * @param scales      the sample sizes, as shares of each table's rows
 * @param repeats     runs per scale; the fastest run of each step counts
 * @param seed        the seed of the row samples, which makes them repeatable
 * @param total       the whole change's predicted duration
 * @param go          the verdict
 * @param reasons     why NO-GO (empty for GO)
 * @param notes       what the reader should know about the numbers
 */
public record RehearsalReport(String plan, Instant at, String mode, String scratch, List<Double> scales, int repeats,
                              long seed, List<TableSample> tables, List<RehearsedStep> steps, Prediction total,
                              boolean go, List<String> reasons, List<String> notes) {

    public RehearsalReport {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(at, "at");
        scales = List.copyOf(scales);
        tables = List.copyOf(tables);
        steps = List.copyOf(steps);
        reasons = List.copyOf(reasons);
        notes = List.copyOf(notes);
    }

    public String verdict() {
        return go ? "GO" : "NO-GO";
    }
}
