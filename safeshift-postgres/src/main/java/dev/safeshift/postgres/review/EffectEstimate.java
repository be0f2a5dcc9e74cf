package dev.safeshift.postgres.review;

import dev.safeshift.postgres.check.TableEffect;
import dev.safeshift.postgres.check.cost.Estimate;
import java.util.Objects;
import java.util.Optional;

/**
 * A statement's effect on a table with the time it should take at the table's live size.
 *
 * @param estimate empty for catalog-only work, or when the table does not exist yet on the source
 */
public record EffectEstimate(TableEffect effect, Optional<Estimate> estimate) {

    public EffectEstimate {
        Objects.requireNonNull(effect, "effect");
        Objects.requireNonNull(estimate, "estimate");
    }

    /** Seconds the application's writes to the table wait for this statement; 0 when its lock lets them through. */
    public double writesBlockedSeconds() {
        return effect.lock().blocksWrites() ? estimate.map(Estimate::seconds).orElse(0.0) : 0.0;
    }
}
