package dev.safeshift.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The records of the newer plan settings refuse what the plan would refuse, so code that builds them cannot slip past. */
class SettingsTest {

    @Test
    void sizesParseIn1024sAndFormatInTheLargestWholeUnit() {
        assertThat(Sizes.parse("10GB")).contains(10L << 30);
        assertThat(Sizes.parse("10 GB")).contains(10L << 30);
        assertThat(Sizes.parse("512kB")).contains(512L << 10);
        assertThat(Sizes.parse("10gb")).isEmpty();
        assertThat(Sizes.parse("10  GB")).isEmpty();
        assertThat(Sizes.parse("1.5GB")).isEmpty();
        assertThat(Sizes.parse("9999999999TB")).as("overflows a long").isEmpty();
        assertThat(Sizes.format(10L << 30)).isEqualTo("10GB");
        assertThat(Sizes.format(1536L << 20)).isEqualTo("1536MB");
        assertThat(Sizes.format(1L << 50)).isEqualTo("1024TB");
        assertThat(Sizes.format(1000)).isEqualTo("1000 bytes");
        assertThat(Sizes.respell("10 GiB")).contains("10GB");
        assertThat(Sizes.respell("3g")).contains("3GB");
        assertThat(Sizes.respell("3 parsecs")).isEmpty();
    }

    @Test
    void retrySettingsAreBounded() {
        assertThat(RetrySettings.DEFAULTS.giveUpAfter()).isEqualTo(Duration.ofMinutes(10));
        assertThatThrownBy(() -> new RetrySettings(Duration.ofSeconds(29))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetrySettings(Duration.ofDays(3651))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void streamSettingsAreBounded() {
        assertThat(StreamSettings.DEFAULTS.warnRetainedWalBytes()).isEqualTo(10L * 1024 * 1024 * 1024);
        assertThatThrownBy(() -> new StreamSettings((1L << 20) - 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StreamSettings((1L << 50) + 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void existingRowsAreWrittenInLowerCase() {
        assertThat(ExistingRows.REPLACE.planValue()).isEqualTo("replace");
        assertThat(ExistingRows.ofPlanValue("refuse")).isEqualTo(ExistingRows.REFUSE);
    }
}
