package dev.safeshift.cli;

import dev.safeshift.SafeshiftException;
import dev.safeshift.app.GoNoGo;
import dev.safeshift.plan.Plan;
import dev.safeshift.report.HtmlWriter;
import dev.safeshift.report.MarkdownWriter;
import dev.safeshift.report.ReportDocument;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "report", mixinStandardHelpOptions = true, description = {
        "Write the migration's report from the plan and the control store: the runbook (steps, owners, commands,",
        "triggers, the rollback procedure), the go/no-go document with the gate evaluated now and the sign-offs,",
        "the risk register (the plan's risks, and what its numbers imply, in money with business.revenue-per-minute),",
        "the timeline, and once the application was switched, a postmortem draft with the decisions and near-misses.",
        "HTML is one self-contained page that prints as it shows."})
final class ReportCommand implements Callable<Integer> {

    enum Format { md, html }

    @Mixin
    Options.PlanArgument plan = new Options.PlanArgument();

    @Mixin
    Options.PolicyFile policy = new Options.PolicyFile();

    @Option(names = "--format", paramLabel = "md|html", description = "md (default) or html.")
    Format format = Format.md;

    @Option(names = "--output", paramLabel = "FILE", description = "Write the report to this file instead of the "
            + "terminal (written whole, then moved into place).")
    Path output;

    @Override
    public Integer call() {
        Plan loaded = plan.load();
        ReportDocument document = new GoNoGo(loaded, policy.find(loaded), Options.actor())
                .report(plan.planFile.toString());
        String text = format == Format.html ? HtmlWriter.write(document) : MarkdownWriter.write(document);
        if (output == null) {
            System.out.print(text);
            return 0;
        }
        try {
            Path absolute = output.toAbsolutePath();
            Path temporary = Files.createTempFile(absolute.getParent(), ".safeshift-report", ".tmp");
            try {
                Files.writeString(temporary, text, StandardCharsets.UTF_8);
                Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new SafeshiftException(SafeshiftException.Kind.BAD_PLAN, "the report could not be written to "
                    + output + ": " + e.getMessage(), e);
        }
        System.out.println("Report written to " + output + " (" + format + ").");
        return 0;
    }
}
