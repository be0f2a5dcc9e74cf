package dev.safeshift.postgres.rehearse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class CostFitTest {

    @Test
    void aLinearStepWithAFixedCostIsFittedExactlyAndExtrapolated() {
        // 5 ms fixed plus 2 µs a row
        CostFit fit = CostFit.of(Growth.LINEAR, List.of(point(1_000, 0.007), point(3_000, 0.011), point(10_000, 0.025)));

        assertThat(fit.fixedSeconds()).isCloseTo(0.005, within(1e-9));
        assertThat(fit.secondsPerUnit()).isCloseTo(2e-6, within(1e-12));
        Prediction prediction = fit.predict(1_000_000, 0);
        assertThat(prediction.seconds()).isCloseTo(2.005, within(1e-6));
        assertThat(prediction.low()).as("never narrower than 25%").isCloseTo(2.005 * 0.75, within(1e-6));
        assertThat(prediction.high()).isCloseTo(2.005 * 1.25, within(1e-6));
    }

    @Test
    void theIntervalSpansWhatEachSampleAlonePredicts() {
        CostFit fit = CostFit.of(Growth.LINEAR, List.of(point(1_000, 0.001), point(2_000, 0.004), point(4_000, 0.004)));
        Prediction prediction = fit.predict(400_000, 0);

        // the middle sample alone says 2 µs a row above the fixed part: far above the fitted line
        double middleAlone = fit.fixedSeconds() + (0.004 - fit.fixedSeconds()) / 2_000 * 400_000;
        assertThat(prediction.high()).isCloseTo(Math.max(middleAlone, prediction.seconds() * 1.25), within(1e-9));
        assertThat(prediction.low()).isLessThanOrEqualTo(prediction.seconds() * 0.75);
    }

    @Test
    void extraSecondsAreInThePredictionAndItsInterval() {
        CostFit fit = CostFit.of(Growth.LINEAR, List.of(point(1_000, 0.001), point(2_000, 0.002)));
        Prediction prediction = fit.predict(1_000_000, 3);

        assertThat(prediction.seconds()).isCloseTo(4, within(1e-6));
        assertThat(prediction.high()).isCloseTo(5, within(1e-6));
    }

    @Test
    void aNegativeFixedPartIsDroppedAndTheLineGoesThroughZero() {
        CostFit fit = CostFit.of(Growth.LINEAR, List.of(point(1_000, 0.001), point(2_000, 0.004)));

        assertThat(fit.fixedSeconds()).isZero();
        assertThat(fit.secondsPerUnit()).isPositive();
        assertThat(fit.basis()).contains("through zero");
    }

    @Test
    void timesThatDoNotGrowAreScaledFromTheLargestSampleAsAnUpperBound() {
        CostFit fit = CostFit.of(Growth.LINEAR, List.of(point(1_000, 0.050), point(3_000, 0.049), point(10_000, 0.050)));

        assertThat(fit.secondsPerUnit()).isCloseTo(0.050 / 10_000, within(1e-12));
        assertThat(fit.predict(1_000_000, 0).seconds()).isCloseTo(5.0, within(1e-9));
        assertThat(fit.basis()).contains("upper bound");
    }

    @Test
    void whenLittleOfTheTimeGrowsTheUpperEndScalesTheLargestSampleWhole() {
        // 50 ms fixed, barely growing: a fit through this noise says 0.38 s for a million rows
        CostFit fit = CostFit.of(Growth.LINEAR, List.of(point(4_940, 0.053), point(9_929, 0.050), point(19_755, 0.057)));
        Prediction prediction = fit.predict(1_000_000, 0);

        assertThat(fit.basis()).contains("least squares");
        assertThat(prediction.seconds()).isLessThan(0.5);
        assertThat(prediction.high()).isCloseTo(0.057 / 19_755 * 1_000_000, within(1e-9));
    }

    @Test
    void anIndexBuildGrowsAsNLogN() {
        double perUnit = 1e-7;
        List<Measurement> points = List.of(1_000, 3_000, 10_000).stream()
                .map(rows -> point(rows, 0.002 + perUnit * Growth.N_LOG_N.units(rows))).toList();
        CostFit fit = CostFit.of(Growth.N_LOG_N, points);

        assertThat(fit.secondsPerUnit()).isCloseTo(perUnit, within(1e-12));
        assertThat(fit.predict(1_000_000, 0).seconds())
                .isCloseTo(0.002 + perUnit * 1_000_000 * Math.log(1_000_000) / Math.log(2), within(1e-6));
    }

    @Test
    void aCatalogChangeTakesTheSlowestSamplesTimeAtAnySize() {
        CostFit fit = CostFit.of(Growth.CONSTANT, List.of(point(1_000, 0.003), point(10_000, 0.004)));

        assertThat(fit.predict(1e9, 0).seconds()).isEqualTo(0.004);
    }

    private static Measurement point(long rows, double seconds) {
        return new Measurement(rows / 1e6, rows, seconds);
    }
}
