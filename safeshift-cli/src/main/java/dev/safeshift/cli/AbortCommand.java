package dev.safeshift.cli;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.Engine;
import dev.safeshift.engine.Engines;
import dev.safeshift.plan.Plan;
import dev.safeshift.run.MigrationDaemon;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.DaemonLock;
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
        try (ControlStore store = ControlStore.open(loaded.controlEndpoint(), loaded.control().schema());
             Engine engine = Engines.forEndpoints(loaded.source(), loaded.target())) {
            Optional<MigrationRecord> migration = store.find(loaded.name());
            if (migration.isEmpty()) {
                System.out.println("No migration '" + loaded.name() + "' in the control store at "
                        + loaded.controlEndpoint().redactedUrl() + "; nothing to give up. Safeshift drops only the"
                        + " replication slots it recorded for a migration, so it leaves any other slot alone.");
                return 0;
            }
            if (DaemonLock.isHeld(loaded.controlEndpoint(), loaded.control().schema(), loaded.name())) {
                throw new SafeshiftException(SafeshiftException.Kind.IN_USE, "a daemon is running migration '"
                        + loaded.name() + "'. Stop it first with safeshift stop " + plan.planFile + ", then abort.");
            }
            Optional<String> capture = MigrationDaemon.captureName(store, migration.get().id());
            if (!yes && !confirm(loaded, capture)) {
                System.out.println("Nothing was changed.");
                return 1;
            }
            if (capture.isPresent()) {
                boolean existed = engine.captureExists(capture.get());
                engine.dropCapture(capture.get());
                System.out.println(existed ? "Dropped replication slot and publication " + capture.get() + " on the source."
                        : "No replication slot " + capture.get() + " on the source; dropped its publication if there was one.");
                engine.forgetTarget(capture.get());
                System.out.println("Removed its applied position and chunk marks from the target.");
            }
            store.purge(migration.get().id());
            System.out.println("Removed migration '" + loaded.name() + "' from the control store.");
            System.out.println("Target tables were left in place.");
            return 0;
        }
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
