package dev.safeshift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safeshift.plan.Endpoint;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mistakes on the verify command line are reported with their own message and exit code 2, before
 * anything connects: the plan points at a port where no database listens, so a command that tried
 * to connect would fail differently (exit code 3).
 */
class VerifyOptionsTest {

    @TempDir
    Path directory;

    private Path plan;

    @BeforeEach
    void writePlan() throws Exception {
        Endpoint nowhere = Endpoint.of("jdbc:postgresql://127.0.0.1:1/none", "nobody");
        plan = PlanFiles.write(directory, "options", nowhere, nowhere, "public.payments", "");
    }

    @Test
    void refusesASampleOutsideZeroToAHundredPercent() {
        assertRefused("--sample must be more than 0% and at most 100%, not 0%", "--sample", "0%");
        assertRefused("--sample must be more than 0% and at most 100%, not 150%", "--sample", "150%");
    }

    @Test
    void refusesASampleThatIsNotAPercentage() {
        assertRefused("--sample takes a percentage such as 5%, not 'five'", "--sample", "five");
    }

    @Test
    void refusesASeedWithoutASample() {
        assertRefused("--seed chooses the chunks of a sample; use it with --sample P%", "--seed", "7");
    }

    @Test
    void refusesFullAndSampleTogether() {
        assertRefused("mutually exclusive", "--full", "--sample", "5%");
    }

    @Test
    void refusesATableThePlanDoesNotHave() {
        assertRefused("the plan has no table public.refunds; its tables are public.payments", "--table", "public.refunds");
    }

    @Test
    void refusesParallelismOutOfRange() {
        assertRefused("--parallelism must be between 1 and 64, not 0", "--parallelism", "0");
    }

    private void assertRefused(String message, String... options) {
        StringWriter err = new StringWriter();
        String[] args = new String[options.length + 2];
        args[0] = "verify";
        args[1] = plan.toString();
        System.arraycopy(options, 0, args, 2, options.length);
        int code = Main.execute(new PrintWriter(err, true), args);
        assertThat(err.toString()).contains(message).doesNotContain("Exception");
        assertThat(code).isEqualTo(2);
    }
}
