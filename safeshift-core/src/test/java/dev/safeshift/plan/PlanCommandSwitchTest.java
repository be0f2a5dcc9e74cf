package dev.safeshift.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cutover.switch: command} and its {@code cutover.command} section. */
class PlanCommandSwitchTest {

    @TempDir
    Path dir;

    private static final String SECTION = """
              command:
                path: hooks/switch-traffic.sh
                args: [--backend, shop, '--dry-run=no']
                timeout: 20s
            """;

    private PlanException error(String yaml) {
        Path file = PlanFiles.write(dir, yaml);
        return catchThrowableOfType(PlanException.class, () -> PlanLoader.load(file, PlanFiles.ENVIRONMENT));
    }

    private String at(int line, int column) {
        return dir.resolve("plan.yaml") + ":" + line + ":" + column + ": ";
    }

    @Test
    void commandSwitchLoadsWithItsSection() {
        Plan plan = PlanFiles.load(dir, PlanFiles.MINIMAL + "cutover:\n  switch: command\n" + SECTION);

        assertThat(plan.cutover().trafficSwitch()).isEqualTo(CutoverSettings.SwitchKind.COMMAND);
        CommandSettings command = plan.cutover().command().orElseThrow();
        assertThat(command.program()).isEqualTo(dir.toAbsolutePath().resolve("hooks/switch-traffic.sh"));
        assertThat(command.arguments()).containsExactly("--backend", "shop", "--dry-run=no");
        assertThat(command.timeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(command.commandLine()).containsExactly(dir.toAbsolutePath().resolve("hooks/switch-traffic.sh")
                .toString(), "--backend", "shop", "--dry-run=no");
        assertThat(plan.cutover().pgbouncer()).isEmpty();
    }

    @Test
    void argumentsAndTimeoutHaveDefaults() {
        Plan plan = PlanFiles.load(dir, PlanFiles.MINIMAL + "cutover:\n  switch: command\n  command:\n"
                + "    path: /opt/hooks/switch.sh\n");

        CommandSettings command = plan.cutover().command().orElseThrow();
        assertThat(command.program()).isEqualTo(Path.of("/opt/hooks/switch.sh"));
        assertThat(command.arguments()).isEmpty();
        assertThat(command.timeout()).isEqualTo(CommandSettings.DEFAULT_TIMEOUT).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void otherSwitchesHaveNoCommand() {
        assertThat(PlanFiles.load(dir, PlanFiles.MINIMAL).cutover().command()).isEmpty();
    }

    @Test
    void commandSwitchWithoutItsSectionPointsAtTheSwitch() {
        PlanException e = error(PlanFiles.MINIMAL + "cutover:\n  switch: command\n");

        assertThat(e).hasMessageStartingWith(at(11, 11) + "missing section 'command' in 'cutover': with switch:"
                + " command, Safeshift needs to know which hook program moves the traffic.");
        assertThat(e.field()).isEqualTo("cutover.command");
    }

    @Test
    void commandSectionWithAnotherSwitchIsRefused() {
        PlanException e = error(PlanFiles.MINIMAL + "cutover:\n  switch: router\n" + SECTION);

        assertThat(e).hasMessage(at(12, 3) + "cutover.command is set but cutover.switch is router, which would"
                + " never use it. Write switch: command, or remove cutover.command.");
    }

    @Test
    void commandSectionIsRefusedWithTheDefaultSwitchToo() {
        PlanException e = error(PlanFiles.MINIMAL + "cutover:\n  max-lag: 5s\n" + SECTION);

        assertThat(e).hasMessageContaining("cutover.command is set but cutover.switch is router");
    }

    @Test
    void pgbouncerSectionWithTheCommandSwitchIsRefused() {
        PlanException e = error(PlanFiles.MINIMAL + "cutover:\n  switch: command\n" + SECTION + """
                  pgbouncer:
                    admin-url: jdbc:postgresql://bouncer:6432/pgbouncer
                    user: admin
                    database: shop
                    config: pgbouncer.ini
                """);

        assertThat(e).hasMessageContaining("cutover.pgbouncer is set but cutover.switch is command");
    }

    @Test
    void pathIsRequired() {
        PlanException e = error(PlanFiles.MINIMAL + "cutover:\n  switch: command\n  command:\n    timeout: 10s\n");

        assertThat(e).hasMessageContaining("missing required field 'path' in 'cutover.command'");
    }

    @Test
    void blankPathIsRefused() {
        PlanException e = error(PlanFiles.MINIMAL + "cutover:\n  switch: command\n  command:\n    path: ' '\n");

        assertThat(e).hasMessageStartingWith(at(13, 11) + "cutover.command.path is blank. Write the path of the hook"
                + " program");
    }

    @Test
    void argumentsAreAListNotAShellString() {
        PlanException e = error(PlanFiles.MINIMAL + "cutover:\n  switch: command\n  command:\n"
                + "    path: ./switch.sh\n    args: --backend shop\n");

        assertThat(e.field()).isEqualTo("cutover.command.args");
        assertThat(e).hasMessageContaining("Write it as a list, for example: [--backend, shop]");
    }

    @Test
    void timeoutIsBounded() {
        for (String timeout : List.of("0s", "6m")) {
            PlanException e = error(PlanFiles.MINIMAL + "cutover:\n  switch: command\n  command:\n"
                    + "    path: ./switch.sh\n    timeout: " + timeout + "\n");

            assertThat(e.field()).isEqualTo("cutover.command.timeout");
            assertThat(e).hasMessageContaining("of at least 1s and at most 5m");
        }
    }
}
