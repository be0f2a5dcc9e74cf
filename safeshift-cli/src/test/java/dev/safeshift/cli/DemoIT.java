package dev.safeshift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The demo, as a new user runs it, on a small table: it must end proven, with no write lost. */
class DemoIT {

    @Test
    void theDemoCutsOverRecordsANearMissAndProvesNothingWasLost() {
        CommandRun demo = CommandRun.of("demo", "--rows", "20000", "--writes-per-second", "200", "--stream-seconds", "2");

        assertThat(demo.exitCode()).as(demo.stdout()).isZero();
        assertThat(demo.stdout()).containsOnlyOnce("Switched: the application writes to the target now")
                .contains("The trigger recorded a near-miss on the timeline")
                .containsPattern("0 writes lost: [0-9,]+ acknowledged inserts checked on the target")
                .contains("PROVEN: source and target are identical");
    }

    @Test
    void theBrokenDemoRollsBackByItselfAndProvesNothingWasLost() {
        CommandRun demo = CommandRun.of("demo", "--rows", "20000", "--writes-per-second", "200", "--stream-seconds", "2",
                "--break");

        assertThat(demo.exitCode()).as(demo.stdout()).isZero();
        assertThat(demo.stdout()).contains("Trigger payment-errors fired and Safeshift rolled the application back")
                .containsPattern("0 writes lost: [0-9,]+ acknowledged inserts checked on the source")
                .contains("PROVEN: source and target are identical");
    }
}
