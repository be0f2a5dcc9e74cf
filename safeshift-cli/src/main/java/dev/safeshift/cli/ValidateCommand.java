package dev.safeshift.cli;

import dev.safeshift.plan.Durations;
import dev.safeshift.plan.ExistingRows;
import dev.safeshift.plan.Plan;
import dev.safeshift.plan.Sizes;
import dev.safeshift.plan.SqlNames;
import dev.safeshift.plan.TableSpec;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "validate", mixinStandardHelpOptions = true, description = "Check a plan file without connecting to any database.")
final class ValidateCommand implements Callable<Integer> {

    @Mixin
    Options.PlanArgument plan = new Options.PlanArgument();

    @Override
    public Integer call() {
        Plan loaded = plan.load();
        System.out.println(plan.planFile + " is valid: migration '" + loaded.name() + "', "
                + loaded.tables().size() + " table(s)");
        System.out.println("  source  " + loaded.source().redactedUrl());
        System.out.println("  target  " + loaded.moveTarget().redactedUrl());
        System.out.println("  control " + loaded.controlEndpoint().redactedUrl() + " (schema " + loaded.control().schema() + ")");
        for (TableSpec table : loaded.tables()) {
            // Names as SQL would write them, so a quoted name shows exactly which table is meant.
            System.out.println("  table   " + table.source() + " -> " + table.target()
                    + (table.columns().isEmpty() ? ""
                    : " (" + String.join(", ", table.columns().stream().map(SqlNames::write).toList()) + ")")
                    + (table.existingRows() == ExistingRows.REPLACE ? ", existing target rows are replaced" : ""));
        }
        System.out.println("  copy    " + loaded.copy().parallelism() + " chunks at once, about "
                + loaded.copy().rowsPerChunk() + " rows each");
        System.out.println("  retry   transient failures for up to " + Durations.format(loaded.retry().giveUpAfter()));
        System.out.println("  stream  warns above " + Sizes.format(loaded.stream().warnRetainedWalBytes())
                + " of retained write-ahead log");
        return 0;
    }
}
