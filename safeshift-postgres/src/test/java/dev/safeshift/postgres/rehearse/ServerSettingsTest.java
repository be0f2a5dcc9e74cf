package dev.safeshift.postgres.rehearse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ServerSettingsTest {

    /** PostgreSQL's defaults but for memory: 8 MB (1,024 pages) for a parallel scan, 2 maintenance workers; 1 GB. */
    private final ServerSettings defaults = new ServerSettings(Map.of(), 2, 1024, 8192, 1024 * 1024);

    @Test
    void workersGrowWithEveryTripleOfTheTableUpToTheMaximum() {
        assertThat(defaults.indexBuildWorkers(1023L * 8192, OptionalInt.empty())).isZero();
        assertThat(defaults.indexBuildWorkers(1024L * 8192, OptionalInt.empty())).isEqualTo(1);
        assertThat(defaults.indexBuildWorkers(3071L * 8192, OptionalInt.empty())).isEqualTo(1);
        assertThat(defaults.indexBuildWorkers(3072L * 8192, OptionalInt.empty())).isEqualTo(2);
        assertThat(defaults.indexBuildWorkers(1L << 40, OptionalInt.empty())).isEqualTo(2);
        assertThat(new ServerSettings(Map.of(), 8, 1024, 8192, 1024 * 1024).indexBuildWorkers(9216L * 8192,
                OptionalInt.empty())).isEqualTo(3);
    }

    @Test
    void eachProcessOfTheBuildNeeds32MegabytesOfMaintenanceWorkMem() {
        // the default 64 MB: two workers and the leader would have 21 MB each, one worker and the leader 32 MB
        assertThat(new ServerSettings(Map.of(), 2, 1024, 8192, 64 * 1024).indexBuildWorkers(1L << 40,
                OptionalInt.empty())).isEqualTo(1);
        assertThat(new ServerSettings(Map.of(), 2, 1024, 8192, 32 * 1024).indexBuildWorkers(1L << 40,
                OptionalInt.empty())).isZero();
    }

    @Test
    void theTablesOwnSettingWinsWithinTheMaximum() {
        assertThat(defaults.indexBuildWorkers(1L << 40, OptionalInt.of(0))).isZero();
        assertThat(defaults.indexBuildWorkers(10, OptionalInt.of(1))).isEqualTo(1);
        assertThat(defaults.indexBuildWorkers(10, OptionalInt.of(6))).isEqualTo(2);
    }
}
