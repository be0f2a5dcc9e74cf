package dev.safeshift.cli;

import dev.safeshift.check.Finding;
import dev.safeshift.check.Severity;
import dev.safeshift.plan.Sizes;
import dev.safeshift.postgres.check.TableEffect;
import dev.safeshift.postgres.check.cost.ReadSpeed;
import dev.safeshift.postgres.check.cost.TableStatistics;
import dev.safeshift.postgres.check.trace.TracedStatement;
import dev.safeshift.postgres.review.ChangeReport;
import dev.safeshift.postgres.review.CheckedStatement;
import dev.safeshift.postgres.review.EffectEstimate;
import dev.safeshift.postgres.review.Seconds;
import java.util.List;
import java.util.Locale;

/** The human form of a {@link ChangeReport}: tables first, then each statement, then the plan, then a summary. */
final class CheckReportText {

    private static final int SQL_WIDTH = 100;

    private CheckReportText() {
    }

    static String render(ChangeReport report, Severity threshold) {
        StringBuilder out = new StringBuilder();
        out.append("Change check for migration '").append(report.plan()).append("'\n\n");
        if (!report.tables().isEmpty()) {
            out.append("Tables (live, from the source's catalog)\n");
            report.tables().forEach((name, size) -> out.append("  ").append(table(name, size, report.speeds().get(name)))
                    .append('\n'));
            out.append('\n');
        }
        report.traceServer().ifPresent(version -> out.append("Traced on ").append(version)
                .append(" (a scratch copy of the tables' definitions; locks can differ between versions)\n\n"));
        for (CheckedStatement statement : report.statements()) {
            statement(out, statement);
        }
        if (!report.planFindings().isEmpty()) {
            out.append("The plan\n");
            report.planFindings().forEach(finding -> finding(out, finding));
            out.append('\n');
        }
        out.append(summary(report, threshold)).append('\n');
        return out.toString();
    }

    private static String table(String name, TableStatistics size, ReadSpeed speed) {
        String rows = size.rows().isPresent() ? String.format(Locale.ROOT, "%,d rows", size.rows().getAsLong())
                : "rows unknown (never analysed)";
        String read = speed == null ? "" : ", read at " + Sizes.pretty((long) speed.bytesPerSecond()) + "/s"
                + (speed.cached() ? " (from cache)" : "");
        return name + ": " + rows + ", " + Sizes.pretty(size.heapBytes() + size.toastBytes()) + " of data, "
                + Sizes.pretty(size.indexBytes()) + " in " + size.indexes() + " index(es)" + read;
    }

    private static void statement(StringBuilder out, CheckedStatement checked) {
        var parsed = checked.review().statement();
        out.append(Character.toUpperCase(parsed.place().charAt(0))).append(parsed.place().substring(1)).append('\n');
        out.append("  ").append(shorten(parsed.sql())).append('\n');
        for (EffectEstimate effect : checked.effects()) {
            TableEffect what = effect.effect();
            out.append("  lock  ").append(what.table()).append(": ").append(what.lock().pgName()).append(", blocks ")
                    .append(what.lock().blocks()).append('\n');
            out.append("  work  ").append(work(effect)).append(" — ").append(what.why()).append('\n');
        }
        checked.trace().ifPresent(trace -> trace(out, trace));
        if (checked.findings().isEmpty()) {
            out.append("  no findings\n");
        }
        checked.findings().forEach(finding -> finding(out, finding));
        out.append('\n');
    }

    private static String work(EffectEstimate effect) {
        String kind = switch (effect.effect().work()) {
            case CATALOG_ONLY -> "catalog only";
            case FULL_SCAN -> "full scan";
            case REWRITE -> "rewrite of the table and its indexes";
            case INDEX_BUILD -> "index build";
            case ROW_WRITES -> "writes rows";
        };
        return effect.estimate().map(e -> kind + ", " + (e.high() < 0.05 ? "under 0.1 s"
                : "about " + Seconds.format(e.seconds()) + " (" + Seconds.format(e.low()) + " to "
                + Seconds.format(e.high()) + ")")).orElse(kind);
    }

    private static void trace(StringBuilder out, TracedStatement trace) {
        if (!trace.traced()) {
            out.append("  trace not traced: ").append(trace.notTracedReason().orElse("")).append('\n');
            return;
        }
        if (trace.error().isPresent()) {
            out.append("  trace failed on the scratch copy: ").append(trace.error().get()).append('\n');
            return;
        }
        List<String> locks = trace.locks().stream().map(lock -> lock.relation() + " " + lock.mode()).toList();
        out.append("  trace locks ").append(locks.isEmpty() ? "none" : String.join(", ", locks))
                .append("; rewrote ").append(trace.rewritten().isEmpty() ? "nothing" : String.join(", ", trace.rewritten()))
                .append("; scanned ").append(trace.scanned().isEmpty() ? "nothing" : String.join(", ", trace.scanned()))
                .append('\n');
    }

    private static void finding(StringBuilder out, Finding finding) {
        out.append("  ").append(String.format(Locale.ROOT, "%-8s", finding.severity().label().toUpperCase(Locale.ROOT)))
                .append(finding.rule()).append(": ").append(finding.message()).append('\n');
        finding.advice().ifPresent(advice -> out.append("          safer: ").append(advice).append('\n'));
    }

    private static String summary(ChangeReport report, Severity threshold) {
        StringBuilder counts = new StringBuilder();
        for (int i = Severity.values().length - 1; i >= 0; i--) {
            Severity severity = Severity.values()[i];
            long count = report.count(severity);
            if (count > 0) {
                counts.append(counts.isEmpty() ? "" : ", ").append(count).append(' ').append(severity.label());
            }
        }
        String found = counts.isEmpty() ? "no findings" : counts.toString();
        return report.statements().size() + " statement(s): " + found + ". "
                + (report.failsAt(threshold) ? "Fails --fail-on " + threshold.label() + "."
                : "Nothing at or above " + threshold.label() + ".");
    }

    private static String shorten(String sql) {
        String oneLine = sql.replaceAll("\\s+", " ");
        return oneLine.length() <= SQL_WIDTH ? oneLine : oneLine.substring(0, SQL_WIDTH - 3) + "...";
    }
}
