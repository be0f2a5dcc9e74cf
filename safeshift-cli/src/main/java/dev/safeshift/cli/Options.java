package dev.safeshift.cli;

import dev.safeshift.LogValues;
import dev.safeshift.plan.Plan;
import dev.safeshift.plan.PlanLoader;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Options every plan-based command shares. */
final class Options {

    private Options() {
    }

    /** The plan file argument plus {@code --debug} and {@code --log-values}. */
    static final class PlanArgument {

        @Parameters(index = "0", paramLabel = "PLAN", description = "The plan file (plan.yaml).")
        Path planFile;

        @Option(names = "--debug", description = "Print the log and stack traces to the terminal.")
        void debug(boolean enabled) {
            if (enabled) {
                Logging.enableDebug();
            }
        }

        @Option(names = "--log-values", description = "Show row values in error messages and the log, for "
                + "debugging (they are left out by default: rows are customer data). Same as SAFESHIFT_LOG_VALUES=1.")
        void logValues(boolean enabled) {
            if (enabled) {
                LogValues.enable();
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
