package dev.safeshift.cli;

import dev.safeshift.plan.Plan;
import dev.safeshift.plan.PlanLoader;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Options every plan-based command shares. */
final class Options {

    private Options() {
    }

    /** The plan file argument plus {@code --debug}. */
    static final class PlanArgument {

        @Parameters(index = "0", paramLabel = "PLAN", description = "The plan file (plan.yaml).")
        Path planFile;

        @Option(names = "--debug", description = "Print the log and stack traces to the terminal.")
        void debug(boolean enabled) {
            if (enabled) {
                Logging.enableDebug();
            }
        }

        Plan load() {
            return PlanLoader.load(planFile);
        }
    }

    static String actor() {
        return System.getProperty("user.name", "unknown");
    }
}
