package dev.safeshift.cli;

import dev.safeshift.LogValues;
import dev.safeshift.SafeshiftException;
import dev.safeshift.dashboard.DashboardServer;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.Plan;
import dev.safeshift.plan.PlanException;
import dev.safeshift.plan.PlanLoader;
import dev.safeshift.plan.Policy;
import dev.safeshift.plan.PolicyLoader;
import java.nio.file.Path;
import java.util.Optional;
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

    /** {@code --dashboard [HOST:]PORT}: serve the migration's dashboard from this process. */
    static final class DashboardAddress {

        @Option(names = "--dashboard", paramLabel = "[HOST:]PORT", description = "Serve the migration's dashboard on "
                + "this port (127.0.0.1 unless a host is given, such as 0.0.0.0:8080 for other machines): a page in plain "
                + "words, its state as JSON and Server-Sent Events, Prometheus /metrics. Signing off and cutting over "
                + "from it need the token printed at start.")
        String address;

        boolean given() {
            return address != null;
        }

        String host() {
            int colon = address.lastIndexOf(':');
            return colon < 0 ? "127.0.0.1" : address.substring(0, colon);
        }

        int port() {
            String port = address.substring(address.lastIndexOf(':') + 1);
            try {
                int number = Integer.parseInt(port);
                if (number < 0 || number > 65_535) {
                    throw new NumberFormatException();
                }
                return number;
            } catch (NumberFormatException e) {
                throw new SafeshiftException(SafeshiftException.Kind.BAD_PLAN, "--dashboard takes a port (0 to 65535) or "
                        + "HOST:PORT, not '" + address + "'");
            }
        }

        /** Starts the dashboard and says where it is and what its token is. */
        DashboardServer start(Plan plan, Optional<Policy> policy, java.io.PrintStream out) {
            DashboardServer server = DashboardServer.start(plan, policy, host(), port());
            out.println("Dashboard: " + server.url() + "  (token for signing off and cutting over: " + server.token() + ")");
            return server;
        }
    }

    /** {@code --policy}: the organization's policy file, for the commands that judge the gate. */
    static final class PolicyFile {

        @Option(names = "--policy", paramLabel = "FILE", description = "The organization's policy (default: the file "
                + "SAFESHIFT_POLICY names, else safeshift-policy.yaml next to the plan, if there is one).")
        Path file;

        Optional<Policy> find(Plan plan) {
            return PolicyLoader.find(plan, Optional.ofNullable(file));
        }
    }

    /** {@code --scratch} and {@code --scratch-user}: the server {@code check --trace} and {@code rehearse} work on. */
    static final class ScratchServer {

        @Option(names = "--scratch", paramLabel = "JDBC-URL", description = "The PostgreSQL server to work on (for "
                + "check, with --trace), ideally one like production: its version, and for rehearse its hardware and "
                + "settings. Safeshift creates databases there and drops them after. Without it, an embedded "
                + "PostgreSQL is started.")
        String url;

        @Option(names = "--scratch-user", paramLabel = "USER", description = "The user for --scratch (default: the "
                + "source's user); its password is read from the environment variable SAFESHIFT_SCRATCH_PASSWORD.")
        String user;

        /** The server given, checked; empty when {@code --scratch} is not. */
        Optional<Endpoint> endpoint(Plan plan) {
            if (user != null && url == null) {
                throw new SafeshiftException(SafeshiftException.Kind.BAD_PLAN, "--scratch-user is the user for "
                        + "--scratch; add --scratch with the scratch server, or leave --scratch-user out");
            }
            if (url == null) {
                return Optional.empty();
            }
            if (!url.startsWith("jdbc:postgresql://")) {
                throw new SafeshiftException(SafeshiftException.Kind.BAD_PLAN, "--scratch must be a PostgreSQL JDBC "
                        + "URL such as jdbc:postgresql://scratch.internal:5432/postgres, not " + url);
            }
            String password = System.getenv("SAFESHIFT_SCRATCH_PASSWORD");
            return Optional.of(new Endpoint(url, user != null ? user : plan.source().user(),
                    Optional.ofNullable(password).map(p -> "SAFESHIFT_SCRATCH_PASSWORD"), Optional.ofNullable(password)));
        }
    }

    static String actor() {
        return System.getProperty("user.name", "unknown");
    }
}
