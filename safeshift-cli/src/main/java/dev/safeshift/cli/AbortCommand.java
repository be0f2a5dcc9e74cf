package dev.safeshift.cli;

import dev.safeshift.SafeshiftException;
import dev.safeshift.app.Migration;
import dev.safeshift.plan.Plan;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "abort", mixinStandardHelpOptions = true, description = {
        "Give up a migration: drop the replication slot and publication it created on the source, its applied"
                + " position and chunk marks in the target, and its state in the control store. Target tables and"
                + " their rows are left as they are. Refused while a daemon runs the migration."})
final class AbortCommand implements Callable<Integer> {

    @Mixin
    Options.PlanArgument plan = new Options.PlanArgument();

    @Option(names = "--yes", description = "Do not ask for confirmation.")
    boolean yes;

    @Override
    public Integer call() throws IOException {
        Plan loaded = plan.load();
        Migration migration = new Migration(loaded, Options.actor());
        Migration.AbortPreview preview = migration.abortPreview();
        if (!preview.registered()) {
            System.out.println(nothingToAbort(loaded));
            return 0;
        }
        if (!yes && !confirm(loaded, preview.capture())) {
            System.out.println("Nothing was changed.");
            return 1;
        }
        Migration.AbortOutcome outcome = migration.abort();
        if (!outcome.registered()) {
            System.out.println(nothingToAbort(loaded));
            return 0;
        }
        outcome.capture().ifPresent(capture -> {
            System.out.println(outcome.slotExisted() ? "Dropped replication slot and publication " + capture + " on the source."
                    : "No replication slot " + capture + " on the source; dropped its publication if there was one.");
            System.out.println("Removed its applied position and chunk marks from the target.");
        });
        System.out.println("Removed migration '" + loaded.name() + "' from the control store.");
        System.out.println("Target tables were left in place.");
        return 0;
    }

    private static String nothingToAbort(Plan loaded) {
        return "No migration '" + loaded.name() + "' in the control store at " + loaded.controlEndpoint().redactedUrl()
                + "; nothing to give up. Safeshift drops only the replication slots it recorded for a migration, so it"
                + " leaves any other slot alone.";
    }

    private boolean confirm(Plan loaded, Optional<String> capture) throws IOException {
        if (System.console() == null) {
            throw new SafeshiftException(SafeshiftException.Kind.BAD_PLAN,
                    "abort needs confirmation, and there is no terminal to ask on. Run it again with --yes.");
        }
        System.out.print("This drops " + capture.map(c -> "replication slot " + c + " on " + loaded.source().redactedUrl()
                + " and ").orElse("") + "all Safeshift state of '" + loaded.name()
                + "'. Type the migration name to confirm: ");
        System.out.flush();
        String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        return loaded.name().equals(answer == null ? null : answer.trim());
    }
}
