package dev.safeshift.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.safeshift.plan.Durations;
import dev.safeshift.plan.VerifySchedule;
import dev.safeshift.verify.Scope;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The verification part of a status: the last result, its age, and the schedule if the plan has one. */
final class VerificationStatus {

    private VerificationStatus() {
    }

    /**
     * {@code Last verification: clean - full, 5,000,000 rows checked, 12 min ago}, or what differed.
     * Plain ASCII: a terminal in a non-UTF-8 locale would print a typographic dash as '?'.
     */
    static String line(StatusReport report) {
        StringBuilder line = new StringBuilder("Last verification: ");
        if (report.lastVerification().isEmpty()) {
            line.append("none yet");
            report.verifySchedule().ifPresent(schedule -> line.append(" (scheduled every ")
                    .append(Durations.format(schedule.every())).append(sampleSuffix(schedule)).append(')'));
            return line.toString();
        }
        VerificationSummary last = report.lastVerification().get();
        String scope = scope(last.scope());
        if (last.clean()) {
            line.append("clean - ").append(scope)
                    .append(String.format(Locale.ROOT, ", %,d rows checked", last.rowsChecked()));
        } else {
            List<String> found = new ArrayList<>();
            count(found, last.missingInTarget(), "missing in target");
            count(found, last.extraInTarget(), "extra");
            count(found, last.differing(), "differing");
            count(found, last.unsettled(), "unsettled");
            // Not clean with no row counted: a table's columns differ (the report lists them).
            boolean columns = found.isEmpty();
            if (columns) {
                found.add("columns differ");
            }
            // keys that kept changing are not differences yet, but not a clean result either
            line.append(last.differences() > 0 || columns ? "DIFFERENCES - " : "UNSETTLED - ")
                    .append(String.join(", ", found)).append(" (").append(scope).append(')');
        }
        line.append(", ").append(StatusFormatter.ago(report.lastVerificationAgeMillis().orElse(0L)));
        report.nextVerificationDueInMillis().ifPresent(due -> line.append(due == 0 ? "; next due now"
                : "; next in " + StatusFormatter.span(due)));
        return line.toString();
    }

    /** Adds {@code lastVerification} and {@code verifySchedule} to a status's JSON; each is null when absent. */
    static void json(StatusReport report, ObjectNode root) {
        if (report.lastVerification().isPresent()) {
            VerificationSummary last = report.lastVerification().get();
            ObjectNode node = root.putObject("lastVerification").put("id", last.id())
                    .put("startedAt", StatusFormatter.iso(last.startedAt()))
                    .put("finishedAt", StatusFormatter.iso(last.finishedAt()))
                    .put("recordedAt", StatusFormatter.iso(last.recordedAt()))
                    .put("ageMillis", report.lastVerificationAgeMillis().orElse(null));
            ObjectNode scope = node.putObject("scope").put("kind", last.scope().isFull() ? "full" : "sample");
            if (!last.scope().isFull()) {
                scope.put("percent", last.scope().samplePercent().getAsDouble()).put("seed", last.scope().seed());
            }
            last.putCounts(node.put("clean", last.clean()));
        } else {
            root.putNull("lastVerification");
        }
        if (report.verifySchedule().isPresent()) {
            VerifySchedule schedule = report.verifySchedule().get();
            root.putObject("verifySchedule").put("every", Durations.format(schedule.every()))
                    .put("everySeconds", schedule.every().getSeconds())
                    .put("samplePercent", schedule.full() ? null : schedule.samplePercent().getAsDouble())
                    .put("nextDueInMillis", report.nextVerificationDueInMillis().orElse(null));
        } else {
            root.putNull("verifySchedule");
        }
    }

    private static String scope(Scope scope) {
        return scope.isFull() ? "full" : percent(scope.samplePercent().getAsDouble()) + " sample";
    }

    private static String sampleSuffix(VerifySchedule schedule) {
        return schedule.full() ? "" : ", " + percent(schedule.samplePercent().getAsDouble()) + " sample";
    }

    private static void count(List<String> found, long count, String what) {
        if (count > 0) {
            found.add(String.format(Locale.ROOT, "%,d %s", count, what));
        }
    }

    /** 5.0 as "5%", 12.5 as "12.5%". */
    static String percent(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString() + "%";
    }
}
