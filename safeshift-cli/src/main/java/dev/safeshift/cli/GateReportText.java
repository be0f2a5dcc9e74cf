package dev.safeshift.cli;

import dev.safeshift.gate.Criterion;
import dev.safeshift.gate.GateReport;
import dev.safeshift.gate.PlanFingerprint;

/** The go/no-go gate for a terminal: one line per criterion, then the decision. */
final class GateReportText {

    private GateReportText() {
    }

    static String render(GateReport report) {
        StringBuilder out = new StringBuilder();
        out.append("Go/no-go gate of plan ").append(PlanFingerprint.shortForm(report.planSha256()))
                .append(" (SHA-256), evaluated at ").append(report.evaluatedAt())
                .append(report.policy().map(p -> ", with policy " + p).orElse("")).append('\n');
        for (Criterion criterion : report.criteria()) {
            out.append(String.format("  %-7s %-26s %s%n", criterion.verdict(), criterion.name(), criterion.evidence()));
        }
        out.append(report.passed() ? "GO: every criterion passes.\n"
                : "NO-GO: " + report.notPassed().size() + " of " + report.criteria().size() + " criteria do not pass ("
                + String.join(", ", report.notPassed().stream().map(Criterion::name).toList()) + ").\n");
        return out.toString();
    }
}
