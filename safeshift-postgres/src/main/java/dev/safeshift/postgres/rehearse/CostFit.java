package dev.safeshift.postgres.rehearse;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A step's time as a function of its table's rows, fitted to the times measured on samples:
 * {@code seconds = fixed + perUnit × units(rows)}, with the units of its {@link Growth}, by least
 * squares. The fixed part is what the step costs however small the table (planning, catalog
 * updates, a commit); the part per unit is the work per row, which is what grows to production.
 *
 * <p>Samples are small and their times short, so the fit guards against noise: when the growing
 * part of the largest sample's time is under {@link #RESOLVED_SHARE} of it (or the times did not
 * grow at all), the largest sample's time per unit is taken, all of it as growing, which errs
 * towards a longer prediction; a negative fixed part is dropped and the line fitted through zero.
 * Under {@link #TRUSTED_SHARE}, the fit stands but the upper end of the interval is that scaling.
 *
 * @param basis how the fit was made, when a guard changed it
 */
public record CostFit(Growth growth, double fixedSeconds, double secondsPerUnit, List<Measurement> measurements,
                      String basis) {

    /**
     * The interval is never narrower than this share of the prediction on either side: extrapolating
     * a hundredfold from samples is not more precise than that, however well the samples agree.
     */
    static final double MINIMUM_SPREAD = 0.25;
    /**
     * The growing part of the largest sample's time must be at least this share of it for the fit to
     * be trusted; below it, what grows is lost in the noise of what does not.
     */
    static final double RESOLVED_SHARE = 0.1;
    /**
     * Below this share of the largest sample's time growing with rows, the samples cannot tell how
     * much of the time will grow, and a fit through their noise can come out far too low; the upper
     * end of the interval is then the largest sample's whole time scaled up, so that a verdict on the
     * upper end errs long rather than short.
     */
    static final double TRUSTED_SHARE = 0.5;

    public CostFit {
        Objects.requireNonNull(growth, "growth");
        measurements = List.copyOf(measurements);
        Objects.requireNonNull(basis, "basis");
    }

    public static CostFit of(Growth growth, List<Measurement> measurements) {
        if (measurements.isEmpty()) {
            throw new IllegalArgumentException("nothing was measured to fit");
        }
        if (growth == Growth.CONSTANT) {
            double slowest = measurements.stream().mapToDouble(Measurement::seconds).max().orElseThrow();
            return new CostFit(growth, slowest, 0, measurements, "the slowest sample's time, which does not grow with rows");
        }
        int count = measurements.size();
        double meanX = 0;
        double meanY = 0;
        for (Measurement m : measurements) {
            meanX += growth.units(m.rows()) / count;
            meanY += m.seconds() / count;
        }
        double sxx = 0;
        double sxy = 0;
        for (Measurement m : measurements) {
            double dx = growth.units(m.rows()) - meanX;
            sxx += dx * dx;
            sxy += dx * (m.seconds() - meanY);
        }
        double slope = sxx > 0 ? sxy / sxx : 0;
        double fixed = meanY - slope * meanX;
        Measurement largest = measurements.stream().max(Comparator.comparingLong(Measurement::rows)).orElseThrow();
        double largestUnits = growth.units(largest.rows());
        if (slope * largestUnits < RESOLVED_SHARE * largest.seconds()) {
            return new CostFit(growth, 0, largestUnits > 0 ? largest.seconds() / largestUnits : 0, measurements,
                    "the largest sample's time per row: the times hardly grew with the rows, so the samples were too "
                            + "small to tell fixed from growing costs; take the prediction as an upper bound, or "
                            + "rehearse with a larger --sample");
        }
        if (fixed >= 0) {
            return new CostFit(growth, fixed, slope, measurements, "least squares over " + count + " samples");
        }
        double sxxOrigin = 0;
        double sxyOrigin = 0;
        for (Measurement m : measurements) {
            double x = growth.units(m.rows());
            sxxOrigin += x * x;
            sxyOrigin += x * m.seconds();
        }
        return new CostFit(growth, 0, sxyOrigin / sxxOrigin, measurements,
                "least squares through zero (the free fit had a negative fixed part)");
    }

    /**
     * The time at {@code rows}, plus {@code extraSeconds} the samples could not show, with an
     * interval spanning what each sample alone would predict (its own time per unit above the fixed
     * part) and at least {@link #MINIMUM_SPREAD} either side.
     */
    public Prediction predict(double rows, double extraSeconds) {
        double point = fixedSeconds + secondsPerUnit * growth.units(rows) + extraSeconds;
        double low = point * (1 - MINIMUM_SPREAD);
        double high = point * (1 + MINIMUM_SPREAD);
        if (growth != Growth.CONSTANT) {
            Measurement largest = measurements.stream().max(Comparator.comparingLong(Measurement::rows)).orElseThrow();
            double largestUnits = growth.units(largest.rows());
            if (largestUnits > 0 && secondsPerUnit * largestUnits < TRUSTED_SHARE * largest.seconds()) {
                high = Math.max(high, largest.seconds() / largestUnits * growth.units(rows) + extraSeconds);
            }
            for (Measurement m : measurements) {
                double units = growth.units(m.rows());
                if (units <= 0) {
                    continue;
                }
                double alone = fixedSeconds + Math.max(0, m.seconds() - fixedSeconds) / units * growth.units(rows)
                        + extraSeconds;
                low = Math.min(low, alone);
                high = Math.max(high, alone);
            }
        }
        return new Prediction(point, low, high);
    }
}
