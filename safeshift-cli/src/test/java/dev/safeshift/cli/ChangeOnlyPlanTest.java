package dev.safeshift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A plan with a change and no target changes the source in place; every command that works on a
 * move refuses it before connecting anywhere. The plan's source points at a port where no
 * database listens, so a command that tried to connect would fail differently (exit code 3).
 * ({@code status} shows a change's applied steps and rehearsals: RehearseCommandIT.)
 */
class ChangeOnlyPlanTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"verify", "gate", "audit", "cutover", "rollback", "complete", "abort", "stop"})
    void commandsThatWorkOnAMoveRefuseIt(String command) throws Exception {
        Path plan = Files.writeString(dir.resolve("plan.yaml"), """
                name: payments_check
                source:
                  url: jdbc:postgresql://127.0.0.1:1/none
                  user: nobody
                tables:
                  - source: payments
                change:
                  - ALTER TABLE payments ADD COLUMN note text
                """);
        StringWriter err = new StringWriter();

        int code = Main.execute(new PrintWriter(err, true), command, plan.toString());

        assertThat(err.toString()).isEqualTo("error: " + plan + ": this plan only changes the source in place "
                + "(change:) and has no target, and safeshift " + command + " works on a move to a target, so nothing "
                + "was done. safeshift check " + plan + " reviews the change; to move the tables as well, add target: "
                + "with url, user and password.\n");
        assertThat(code).isEqualTo(2);
    }
}
