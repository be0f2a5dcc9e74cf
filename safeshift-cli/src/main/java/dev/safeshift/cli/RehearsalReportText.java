package dev.safeshift.cli;

import dev.safeshift.plan.Sizes;
import dev.safeshift.postgres.check.SafeStep;
import dev.safeshift.postgres.check.TableEffect;
import dev.safeshift.postgres.rehearse.CostFit;
import dev.safeshift.postgres.rehearse.Measurement;
import dev.safeshift.postgres.rehearse.PlannedStep;
import dev.safeshift.postgres.rehearse.Prediction;
import dev.safeshift.postgres.rehearse.Rehearsal;
import dev.safeshift.postgres.rehearse.RehearsalReport;
import dev.safeshift.postgres.rehearse.RehearsedStep;
import dev.safeshift.postgres.rehearse.TableSample;
import dev.safeshift.postgres.review.Seconds;
import java.util.Locale;
import java.util.stream.Collectors;

/** {@code safeshift rehearse} for a terminal: what was sampled, each step's times and prediction, the verdict. */
final class RehearsalReportText {

    private RehearsalReportText() {
    }

    static String render(RehearsalReport report) {
        StringBuilder out = new StringBuilder();
        out.append("Rehearsal of ").append(report.plan()).append(" (").append(report.mode().equals("online")
                        ? "the online steps safeshift run applies" : "the statements as written").append(") on ")
                .append(report.scratch()).append(": samples of ")
                .append(report.scales().stream().map(Rehearsal::percent).collect(Collectors.joining(", ")))
                .append(" (seed ").append(report.seed()).append(", fastest of ").append(report.repeats())
                .append(" run(s) each)\n\n");
        for (TableSample table : report.tables()) {
            out.append(table.table()).append(": ").append(String.format(Locale.ROOT, "%,d", table.productionRows()))
                    .append(" rows, ").append(Sizes.pretty(table.productionBytes())).append(" in production; samples of ")
                    .append(table.sampleRows().stream().map(m -> String.format(Locale.ROOT, "%,d", m.rows()))
                            .collect(Collectors.joining(" / "))).append(" rows");
            table.productionSpeed().ifPresent(speed -> out.append("; the source reads it at ")
                    .append(Sizes.pretty((long) speed.bytesPerSecond())).append("/s"));
            table.scratchSpeed().ifPresent(speed -> out.append(", the scratch server its sample at ")
                    .append(Sizes.pretty((long) speed.bytesPerSecond())).append("/s"));
            out.append("; index builds with up to ").append(table.parallelWorkers()).append(" parallel worker(s)\n");
        }
        for (RehearsedStep step : report.steps()) {
            out.append('\n');
            step(out, step);
        }
        out.append('\n').append("Whole change: ").append(range(report.total())).append('\n');
        out.append("Verdict: ").append(report.verdict()).append('\n');
        report.reasons().forEach(reason -> out.append("  - ").append(reason).append('\n'));
        report.notes().forEach(note -> out.append("Note: ").append(note).append('\n'));
        return out.toString();
    }

    private static void step(StringBuilder out, RehearsedStep rehearsed) {
        PlannedStep step = rehearsed.step();
        out.append(step.place()).append(": ").append(step.purpose()).append('\n');
        out.append("  ").append(SafeStep.shortSql(step.sql())).append('\n');
        out.append("  ").append(step.strongestLock().map(lock -> lock.pgName()).orElse("no table lock"))
                .append(step.writeBlocking().isPresent() ? ", which blocks writes" : ", writes go on")
                .append("; ").append(step.timedEffect().map(RehearsalReportText::work).orElse("catalog only"))
                .append('\n');
        if (rehearsed.failure().isPresent()) {
            out.append("  FAILED: ").append(rehearsed.failure().get()).append('\n');
            return;
        }
        CostFit fit = rehearsed.fit().orElseThrow();
        out.append("  measured: ").append(fit.measurements().stream().map(RehearsalReportText::measured)
                .collect(Collectors.joining("; "))).append('\n');
        out.append("  predicted: ").append(range(rehearsed.prediction().orElseThrow())).append(" (")
                .append(fit.growth().label()).append(", ").append(fit.basis());
        if (rehearsed.readSeconds() > 0) {
            out.append("; including ").append(Seconds.format(rehearsed.readSeconds()))
                    .append(" for reading the production table more slowly than the sample");
        }
        out.append(")\n");
    }

    private static String work(TableEffect effect) {
        String what = switch (effect.work()) {
            case FULL_SCAN -> "scans";
            case REWRITE -> "rewrites";
            case INDEX_BUILD -> "builds an index on";
            case ROW_WRITES -> "writes the rows of";
            case CATALOG_ONLY -> "changes the catalog of";
        };
        return what + " " + effect.table();
    }

    private static String measured(Measurement m) {
        return Rehearsal.percent(m.scale()) + " " + String.format(Locale.ROOT, "%,d", m.rows()) + " rows "
                + String.format(Locale.ROOT, "%.3f s", m.seconds());
    }

    private static String range(Prediction p) {
        return Seconds.format(p.seconds()) + " (" + Seconds.format(p.low()) + " to " + Seconds.format(p.high()) + ")";
    }
}
