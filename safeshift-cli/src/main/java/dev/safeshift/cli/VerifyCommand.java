package dev.safeshift.cli;

import dev.safeshift.SafeshiftException;
import dev.safeshift.app.Migration;
import dev.safeshift.plan.Plan;
import dev.safeshift.plan.TableSpec;
import dev.safeshift.verify.Scope;
import dev.safeshift.verify.TableVerdict;
import dev.safeshift.verify.VerificationJson;
import dev.safeshift.verify.VerificationReport;
import dev.safeshift.verify.VerifyListener;
import dev.safeshift.verify.VerifySettings;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "verify", mixinStandardHelpOptions = true, description = {
        "Prove that source and target hold the same rows: counts, per-chunk checksums computed in each",
        "database, the exact differing keys, and those rows side by side.",
        "Exit code: 0 clean, 10 differences found, 11 some keys kept changing and could not be decided."})
final class VerifyCommand implements Callable<Integer> {

    static final int DIFFERENCES = 10;
    static final int UNDECIDED = 11;
    /** Differing rows per table a JSON result carries at least; the counts always cover all of them. */
    private static final int JSON_DIFFERENCES = 1_000;

    @Mixin
    Options.PlanArgument plan = new Options.PlanArgument();

    @Option(names = "--table", paramLabel = "SCHEMA.TABLE", description = "Verify only this source table of the plan.")
    String table;

    @ArgGroup(exclusive = true)
    ScopeChoice scope = new ScopeChoice();

    static final class ScopeChoice {
        @Option(names = "--full", description = "Check every chunk (the default).")
        boolean full;

        @Option(names = "--sample", paramLabel = "P%", description = "Check a random P% of the chunks, e.g. 5%.")
        String sample;
    }

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the random sample; the same seed checks the same chunks again (default: random, printed).")
    Long seed;

    @Option(names = "--parallelism", paramLabel = "N", description = "Queries running at once, source and target together (default: ${DEFAULT-VALUE}).")
    int parallelism = VerifySettings.DEFAULTS.parallelism();

    @Option(names = "--show", paramLabel = "N", description = "Differing rows shown side by side per table (default: ${DEFAULT-VALUE}).")
    int show = 20;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() throws InterruptedException {
        Plan loaded = plan.load();
        Scope chosen = scope();
        if (parallelism < 1 || parallelism > 64) {
            throw new SafeshiftException(SafeshiftException.Kind.BAD_PLAN, "--parallelism must be between 1 and 64, not " + parallelism);
        }
        if (show < 0) {
            throw new SafeshiftException(SafeshiftException.Kind.BAD_PLAN, "--show must be 0 or more, not " + show);
        }
        List<TableSpec> tables = tables(loaded); // every mistake on the command line is reported before connecting
        VerificationReport report = new Migration(loaded, Options.actor()).verify(tables, chosen, parallelism,
                json ? VerifyListener.NONE : new VerifyProgress(System.err));
        System.out.println(json ? VerificationJson.toJson(report, Math.max(show, JSON_DIFFERENCES)).toPrettyString()
                : new VerifyReportText(show).render(report));
        if (report.clean()) {
            return 0;
        }
        return report.tables().stream().anyMatch(TableVerdict::differs) ? DIFFERENCES : UNDECIDED;
    }

    private Scope scope() {
        if (scope.sample == null) {
            if (seed != null) {
                throw new SafeshiftException(SafeshiftException.Kind.BAD_PLAN, "--seed chooses the chunks of a sample; use it with --sample P%");
            }
            return Scope.full();
        }
        String text = scope.sample.trim();
        if (text.endsWith("%")) {
            text = text.substring(0, text.length() - 1).trim();
        }
        double percent;
        try {
            percent = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new SafeshiftException(SafeshiftException.Kind.BAD_PLAN, "--sample takes a percentage such as 5%, not '" + scope.sample + "'");
        }
        if (!(percent > 0 && percent <= 100)) {
            throw new SafeshiftException(SafeshiftException.Kind.BAD_PLAN, "--sample must be more than 0% and at most 100%, not " + scope.sample);
        }
        return Scope.sample(percent, seed != null ? seed : new java.security.SecureRandom().nextInt(1_000_000));
    }

    /** The plan's tables, or the one named by --table (schema.table, or the bare name when unambiguous). */
    private List<TableSpec> tables(Plan loaded) {
        if (table == null) {
            return loaded.tables();
        }
        List<TableSpec> matching = loaded.tables().stream()
                .filter(spec -> spec.source().toString().equals(table) || spec.source().name().equals(table))
                .toList();
        if (matching.size() != 1) {
            throw new SafeshiftException(SafeshiftException.Kind.BAD_PLAN, (matching.isEmpty() ? "the plan has no table "
                    : "more than one table of the plan is called ") + table + "; its tables are "
                    + String.join(", ", loaded.tables().stream().map(t -> t.source().toString()).toList())
                    + ". Name one as schema.table.");
        }
        return matching;
    }
}
