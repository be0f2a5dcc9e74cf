package dev.safeshift.cli;

import dev.safeshift.LogValues;
import dev.safeshift.plan.Plan;
import dev.safeshift.plan.PlanException;
import dev.safeshift.plan.PlanLoader;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

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

        /** The command this is the plan argument of, for messages. */
        @Spec(Spec.Target.MIXEE)
        CommandSpec command;

        /**
         * The plan, for the commands that work on a move to a target (all but {@code validate},
         * {@code check}, {@code rehearse}, {@code run} and {@code status}). A plan that only changes the source in place is refused here, the one place
         * these commands load plans, before any of them connects to a database.
         */
        Plan load() {
            Plan loaded = loadAnyKind();
            if (loaded.target().isEmpty()) {
                String name = command == null ? "this command" : "safeshift " + command.name();
                throw new PlanException(planFile, 0, 0, "target", "this plan only changes the source in place "
                        + "(change:) and has no target, and " + name + " works on a move to a target, so nothing "
                        + "was done. safeshift check " + planFile + " reviews the change; to move the tables as well, "
                        + "add target: with url, user and password.", null, null);
            }
            return loaded;
        }

        /** The plan, whether it moves tables, changes them in place or both: for commands that only read it. */
        Plan loadAnyKind() {
            return PlanLoader.load(planFile);
        }
    }

    static String actor() {
        return System.getProperty("user.name", "unknown");
    }
}
