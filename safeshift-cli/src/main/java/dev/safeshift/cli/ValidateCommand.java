package dev.safeshift.cli;

import dev.safeshift.plan.ChangeScript;
import dev.safeshift.plan.Durations;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.ExistingRows;
import dev.safeshift.plan.Plan;
import dev.safeshift.plan.Sizes;
import dev.safeshift.plan.SqlNames;
import dev.safeshift.plan.TableSpec;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "validate", mixinStandardHelpOptions = true, description = "Check a plan file without connecting to any database.")
final class ValidateCommand implements Callable<Integer> {

    @Mixin
    Options.PlanArgument plan = new Options.PlanArgument();

    @Override
    public Integer call() {
        Plan loaded = plan.loadAnyKind();
        Optional<Endpoint> target = loaded.target();
        System.out.println(plan.planFile + " is valid: migration '" + loaded.name() + "', "
                + loaded.tables().size() + " table(s)"
                + (target.isEmpty() ? ", changed in place on the source (no target)" : ""));
        System.out.println("  source  " + loaded.source().redactedUrl());
        if (target.isPresent()) {
            System.out.println("  target  " + target.get().redactedUrl());
        }
        // A plan without a target keeps no state unless it names a control store.
        if (target.isPresent() || loaded.control().endpoint().isPresent()) {
            System.out.println("  control " + loaded.controlEndpoint().redactedUrl() + " (schema "
                    + loaded.control().schema() + ")");
        }
        for (TableSpec table : loaded.tables()) {
            // Names as SQL would write them, so a quoted name shows exactly which table is meant.
            System.out.println("  table   " + table.source() + (target.isEmpty() ? "" : " -> " + table.target())
                    + (table.columns().isEmpty() ? ""
                    : " (" + String.join(", ", table.columns().stream().map(SqlNames::write).toList()) + ")")
                    + (target.isPresent() && table.existingRows() == ExistingRows.REPLACE
                    ? ", existing target rows are replaced" : ""));
        }
        loaded.change().ifPresent(change -> change.scripts().forEach(script ->
                System.out.println("  change  " + describe(script))));
        if (target.isPresent()) {
            System.out.println("  copy    " + loaded.copy().parallelism() + " chunks at once, about "
                    + loaded.copy().rowsPerChunk() + " rows each");
            System.out.println("  retry   transient failures for up to " + Durations.format(loaded.retry().giveUpAfter()));
            System.out.println("  stream  warns above " + Sizes.format(loaded.stream().warnRetainedWalBytes())
                    + " of retained write-ahead log");
        }
        return 0;
    }

    /** {@code migrations/V7_1__add_check.sql (version 7.1, add check): 12 lines}. */
    private static String describe(ChangeScript script) {
        String about = script.version().map(v -> "version " + v).orElse("")
                + (script.version().isPresent() && script.description().isPresent() ? ", " : "")
                + script.description().orElse("");
        long lines = script.lineCount();
        // SQL written in the plan has no version; its place is a line of the plan.
        String place = script.version().isPresent() ? script.origin() : script.origin() + " line " + script.firstLine();
        return place + (about.isEmpty() ? "" : " (" + about + ")") + ": " + lines
                + (lines == 1 ? " line" : " lines");
    }
}
