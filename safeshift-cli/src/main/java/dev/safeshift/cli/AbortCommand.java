package dev.safeshift.cli;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.Engine;
import dev.safeshift.engine.Engines;
import dev.safeshift.plan.Plan;
import dev.safeshift.run.MigrationDaemon;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.MigrationRecord;
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
        "Give up a migration: drop its replication slot and publication on the source and its state in the "
                + "control store. Target tables and their rows are left as they are."})
final class AbortCommand implements Callable<Integer> {

    @Mixin
    Options.PlanArgument plan = new Options.PlanArgument();

    @Option(names = "--yes", description = "Do not ask for confirmation.")
    boolean yes;

    @Override
    public Integer call() throws IOException {
        Plan loaded = plan.load();
        String capture = MigrationDaemon.captureName(loaded);
        if (!yes && !confirm(loaded, capture)) {
            System.out.println("Nothing was changed.");
            return 1;
        }
        try (ControlStore store = ControlStore.open(loaded.controlEndpoint(), loaded.control().schema());
             Engine engine = Engines.forEndpoints(loaded.source(), loaded.target())) {
            boolean existed = engine.captureExists(capture);
            engine.dropCapture(capture);
            System.out.println(existed ? "Dropped replication slot and publication " + capture + " on the source."
                    : "No replication slot " + capture + " on the source; dropped its publication if there was one.");
            Optional<MigrationRecord> migration = store.find(loaded.name());
            if (migration.isPresent()) {
                store.purge(migration.get().id());
                System.out.println("Removed migration '" + loaded.name() + "' from the control store.");
            } else {
                System.out.println("No migration '" + loaded.name() + "' in the control store.");
            }
            System.out.println("Target tables were left in place.");
            return 0;
        }
    }

    private boolean confirm(Plan loaded, String capture) throws IOException {
        if (System.console() == null) {
            throw new SafeshiftException(SafeshiftException.Kind.BAD_PLAN,
                    "abort needs confirmation, and there is no terminal to ask on. Run it again with --yes.");
        }
        System.out.print("This drops replication slot " + capture + " on " + loaded.source().redactedUrl()
                + " and all Safeshift state of '" + loaded.name() + "'. Type the migration name to confirm: ");
        System.out.flush();
        String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        return loaded.name().equals(answer == null ? null : answer.trim());
    }
}
