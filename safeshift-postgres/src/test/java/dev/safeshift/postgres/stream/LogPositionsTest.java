package dev.safeshift.postgres.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LogPositionsTest {

    @Test
    void parsesAndFormatsAsPostgresqlPrintsThem() {
        assertThat(LogPositions.parse("16/B374D848")).isEqualTo(0x16B374D848L);
        assertThat(LogPositions.parse("0/0")).isZero();
        assertThat(LogPositions.format(0x16B374D848L)).isEqualTo("16/B374D848");
        assertThat(LogPositions.format(0x1723210L)).isEqualTo("0/1723210");
        assertThat(LogPositions.format(LogPositions.parse("ffffffff/ffffffff"))).isEqualTo("FFFFFFFF/FFFFFFFF");
    }

    @Test
    void comparesAsUnsignedNumbers() {
        long high = LogPositions.parse("FFFFFFFF/0");
        assertThat(high).isNegative();
        assertThat(LogPositions.compare(high, LogPositions.parse("1/0"))).isPositive();
    }

    @Test
    void rejectsTextThatIsNotAPosition() {
        for (String bad : new String[] {"", "12", "/1", "1/", "1/2/3", "g/1", "123456789/0"}) {
            assertThatThrownBy(() -> LogPositions.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
