package dev.safeshift.postgres.rehearse;

import dev.safeshift.plan.QualifiedName;
import dev.safeshift.postgres.check.cost.ReadSpeed;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A table as the rehearsal saw it: its size in production and the samples drawn from it.
 *
 * @param productionRows   the source's row estimate (from the catalog, as ANALYZE left it)
 * @param productionBytes  its data and TOAST bytes on the source
 * @param productionSpeed  how fast the source read it (a bounded page sample), when measured
 * @param scratchSpeed     how fast the scratch server read the largest sample, when measured
 * @param parallelWorkers  the workers the source would plan for an index build on it, which the
 *                         samples were told to use so that they build as production does
 * @param sampleRows       the rows of each run's sample, in the order of the runs
 */
public record TableSample(QualifiedName table, long productionRows, long productionBytes,
                          Optional<ReadSpeed> productionSpeed, Optional<ReadSpeed> scratchSpeed, int parallelWorkers,
                          List<Measurement> sampleRows) {

    public TableSample {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(productionSpeed, "productionSpeed");
        Objects.requireNonNull(scratchSpeed, "scratchSpeed");
        sampleRows = List.copyOf(sampleRows);
    }

    /**
     * Seconds per byte production reads slower than the scratch server read its sample; 0 when it
     * does not, or when either speed is unknown.
     */
    public double slowerReadSecondsPerByte() {
        if (productionSpeed.isEmpty() || scratchSpeed.isEmpty()) {
            return 0;
        }
        return Math.max(0, 1 / productionSpeed.get().bytesPerSecond() - 1 / scratchSpeed.get().bytesPerSecond());
    }
}
