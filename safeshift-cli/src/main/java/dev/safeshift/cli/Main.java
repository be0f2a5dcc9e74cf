package dev.safeshift.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code safeshift} command. */
@Command(name = "safeshift",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Moves production tables between databases online: consistent backfill plus change capture.",
        subcommands = {
                ValidateCommand.class,
                CheckCommand.class,
                RehearseCommand.class,
                RunCommand.class,
                StatusCommand.class,
                StopCommand.class,
                GateCommand.class,
                SignoffCommand.class,
                AuditCommand.class,
                ReportCommand.class,
                CutoverCommand.class,
                RollbackCommand.class,
                CompleteCommand.class,
                AbortCommand.class,
                VerifyCommand.class,
                DemoCommand.class,
                CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        Thread.setDefaultUncaughtExceptionHandler(Errors::uncaught);
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code; used by tests too. */
    public static int execute(String... args) {
        return execute(new PrintWriter(System.err, true), args);
    }

    /** Runs a command line with error messages going to {@code err}. */
    public static int execute(PrintWriter err, String... args) {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler(new Errors());
        try {
            return commandLine.execute(args);
        } catch (OutOfMemoryError e) {
            // picocli hands only Exceptions to the handler; an Error leaves execute() as it is
            return Errors.outOfMemory(e, e, err);
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
