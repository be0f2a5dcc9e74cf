package dev.safeshift.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FenceSettingsTest {

    @Test
    void theBackoffDoublesUpToItsCeiling() {
        FenceSettings settings = new FenceSettings(Duration.ofMillis(500), 10, Duration.ofMillis(250), Duration.ofSeconds(1));

        assertThat(settings.backoffBefore(2)).isEqualTo(Duration.ofMillis(250));
        assertThat(settings.backoffBefore(3)).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.backoffBefore(4)).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.backoffBefore(10)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void settingsThatCannotWorkAreRefused() {
        assertThatThrownBy(() -> new FenceSettings(Duration.ZERO, 1, Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FenceSettings(Duration.ofMillis(100), 0, Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FenceSettings(Duration.ofMillis(100), 1, Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void settingsWithinABudgetSpendNoMoreThanIt() {
        for (long budgetMillis : new long[] {10, 200, 1_000, 4_321, 5_000, 60_000}) {
            FenceSettings settings = FenceSettings.within(Duration.ofMillis(budgetMillis));
            long worst = settings.lockTimeout().toMillis();
            for (int next = 2; next <= settings.attempts(); next++) {
                worst += settings.backoffBefore(next).toMillis() + settings.lockTimeout().toMillis();
            }
            assertThat(worst).as("worst case for a budget of %d ms", budgetMillis)
                    .isLessThanOrEqualTo(Math.max(50, budgetMillis));
            assertThat(settings.lockTimeout()).isBetween(Duration.ofMillis(50), Duration.ofMillis(500));
        }
        assertThat(FenceSettings.within(Duration.ofSeconds(5)).attempts()).isGreaterThan(3);
    }
}
