package dev.safeshift.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safeshift.app.GoNoGo;
import dev.safeshift.gate.GateReport;
import dev.safeshift.gate.PlanFingerprint;
import dev.safeshift.gate.Signoff;
import dev.safeshift.plan.Durations;
import dev.safeshift.plan.GateSpec;
import dev.safeshift.plan.Plan;
import dev.safeshift.plan.TableSpec;
import dev.safeshift.report.ReportDocument.Block;
import dev.safeshift.report.ReportDocument.Bullets;
import dev.safeshift.report.ReportDocument.Command;
import dev.safeshift.report.ReportDocument.Paragraph;
import dev.safeshift.report.ReportDocument.Section;
import dev.safeshift.report.ReportDocument.Table;
import dev.safeshift.store.MigrationRecord;
import dev.safeshift.store.TimelineEvent;
import dev.safeshift.trigger.TriggerSpec;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The migration's report for the people who decide and the people who run it: the runbook (steps,
 * owners, commands, triggers, the rollback procedure), the go/no-go document with its sign-offs,
 * the risk register, the timeline, and once the application was cut over, a postmortem draft with
 * the decisions and near-misses filled in from the store. Everything in it comes from the plan
 * and the control store; nothing is typed in.
 */
public final class MigrationReport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DETAIL_CHARACTERS = 240;
    /** Phases that mean the application was (being) switched: the postmortem has something to tell. */
    private static final Set<String> SWITCHED = Set.of("CUTTING_OVER", "CUT_OVER", "ROLLING_BACK", "ROLLED_BACK",
            "COMPLETED");

    private MigrationReport() {
    }

    /**
     * @param file      how the plan file is named in the commands
     * @param migration the migration's record, empty when nothing was registered yet
     * @param timeline  its timeline, oldest first
     */
    public static ReportDocument build(Plan plan, String file, GateReport gate, Optional<MigrationRecord> migration,
                                       List<TimelineEvent> timeline, Instant now) {
        List<Section> sections = new ArrayList<>();
        sections.add(summary(plan, gate, migration, now));
        sections.add(runbook(plan, file));
        sections.add(goNoGo(plan, gate, timeline));
        sections.add(risks(plan, gate));
        sections.add(timelineSection(timeline));
        sections.add(postmortem(timeline));
        return new ReportDocument("Migration " + plan.name() + ": runbook, go/no-go and record", sections);
    }

    private static Section summary(Plan plan, GateReport gate, Optional<MigrationRecord> migration, Instant now) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("Plan", plan.name() + " (SHA-256 " + gate.planSha256() + ")"));
        rows.add(List.of("Generated", now.toString()));
        rows.add(List.of("Phase", migration.map(m -> m.phase().name()).orElse("not started")));
        rows.add(List.of("Decision now", gate.passed() ? "GO" : "NO-GO"));
        rows.add(List.of("Source", plan.source().redactedUrl()));
        plan.target().ifPresent(target -> rows.add(List.of("Target", target.redactedUrl())));
        rows.add(List.of("Tables", String.join(", ", plan.tables().stream().map(MigrationReport::table).toList())));
        List<Block> blocks = new ArrayList<>();
        blocks.add(new Table("summary", List.of("", ""), rows));
        blocks.add(plan.owners().isEmpty() ? new Paragraph("Owners: none named in the plan.")
                : new Table("owners", List.of("Owner", "Role", "Contact"), plan.owners().stream()
                .map(o -> List.of(o.name(), o.role(), o.contact() == null ? "" : o.contact())).toList()));
        return new Section("summary", "Summary", blocks);
    }

    private static String table(TableSpec table) {
        return table.source().equals(table.target()) ? table.source().toString() : table.source() + " to " + table.target();
    }

    private static Section runbook(Plan plan, String file) {
        List<Block> blocks = new ArrayList<>();
        blocks.add(new Paragraph("1. Check the plan and what it will do."));
        blocks.add(new Command("safeshift validate " + file + "\nsafeshift check " + file));
        blocks.add(new Paragraph("2. Start the migration: copy every table from one snapshot ("
                + plan.copy().parallelism() + " at a time), then stream the changes. Running it again after a stop or a "
                + "crash resumes."));
        blocks.add(new Command("safeshift run " + file + "\nsafeshift status " + file));
        blocks.add(new Paragraph("3. Prove the target equal to the source. " + plan.verify().map(schedule -> "The daemon "
                + "also verifies every " + Durations.format(schedule.every()) + (schedule.samplePercent().isPresent()
                ? " (a " + schedule.samplePercent().getAsDouble() + "% sample)" : " (in full)") + ".")
                .orElse("No verification is scheduled in the plan.")));
        blocks.add(new Command("safeshift verify " + file + " --full"));
        List<String> roles = plan.gate().map(GateSpec::signoffs).orElse(List.of());
        blocks.add(new Paragraph("4. Go/no-go: the gate must pass" + (roles.isEmpty() ? "."
                : ", with the sign-offs of " + String.join(", ", roles) + ".")));
        StringBuilder gate = new StringBuilder("safeshift gate " + file);
        roles.forEach(role -> gate.append("\nsafeshift signoff ").append(file).append(" --name \"<full name>\" --role \"")
                .append(role).append('"'));
        blocks.add(new Command(gate.toString()));
        blocks.add(new Paragraph("5. Cut over: the application's writes are held for at most "
                + Durations.format(plan.cutover().writePauseBudget()) + " while the target catches up, then the traffic "
                + "moves through the " + plan.cutover().trafficSwitch().name().toLowerCase(Locale.ROOT) + " switch. A "
                + "cutover that cannot finish within that budget undoes itself."));
        blocks.add(new Command("safeshift cutover " + file));
        blocks.add(new Paragraph("6. Watch the cutover window."));
        blocks.add(plan.cutover().triggers().isEmpty()
                ? new Paragraph("No trigger watches the window: nothing rolls back by itself.")
                : new Bullets(plan.cutover().triggers().stream().map(MigrationReport::sentence).toList()));
        blocks.add(new Paragraph("7. Rollback procedure: a rollback trigger starts it by itself; a person starts it "
                + "with the command below. The application goes back to the source, which the stream back kept up to "
                + "date, holding writes for at most " + Durations.format(plan.cutover().writePauseBudget()) + "."));
        blocks.add(new Command("safeshift rollback " + file));
        blocks.add(new Paragraph("8. End the window once the application runs well on the target: the stream back "
                + "stops and the captures are dropped."));
        blocks.add(new Command("safeshift complete " + file));
        return new Section("runbook", "Runbook", blocks);
    }

    /** "payment_errors: when error rate > 2% for 3 evaluations every 10s, rolls back within 2m; owner Ana Lima." */
    static String sentence(TriggerSpec trigger) {
        String action = switch (trigger.action()) {
            case ROLLBACK -> "rolls the application back to the source within "
                    + trigger.deadline().map(Durations::format).orElse("?");
            case PAUSE -> "holds the window open until a person decides";
            case ALERT -> "alerts the owners";
        };
        return trigger.name() + ": when " + trigger.metric().label() + " " + trigger.condition() + " for "
                + trigger.consecutive() + " evaluation(s) in a row, every " + Durations.format(trigger.interval()) + ", "
                + action + "; owner " + trigger.owner().orElse("not named") + ".";
    }

    private static Section goNoGo(Plan plan, GateReport gate, List<TimelineEvent> timeline) {
        List<Block> blocks = new ArrayList<>();
        blocks.add(new Paragraph((gate.passed() ? "GO" : "NO-GO") + ": the gate as evaluated at " + gate.evaluatedAt()
                + " for plan " + PlanFingerprint.shortForm(gate.planSha256()) + gate.policy().map(p -> ", with policy "
                + p).orElse("") + "."));
        blocks.add(new Table("gate", List.of("Criterion", "Verdict", "Evidence"), gate.criteria().stream()
                .map(c -> List.of(c.name(), c.verdict().name(), c.evidence())).toList()));
        List<Signoff> signoffs = Signoff.from(timeline);
        blocks.add(signoffs.isEmpty() ? new Paragraph("Sign-offs: none yet.")
                : new Table("signoffs", List.of("Signed at", "Name", "Role", "Plan", "Counts", "Comment"),
                signoffs.stream().map(s -> List.of(s.at().toString(), s.name(), s.role(),
                        PlanFingerprint.shortForm(s.planSha256()),
                        s.planSha256().equals(gate.planSha256()) ? "yes" : "no: an earlier version of the plan",
                        s.comment().orElse(""))).toList()));
        List<String> overrides = timeline.stream().filter(e -> GoNoGo.OVERRIDE_EVENT.equals(e.kind()))
                .map(e -> e.at() + ": " + e.actor() + " overrode the gate: " + field(e, "reason")).toList();
        if (!overrides.isEmpty()) {
            blocks.add(new Bullets(overrides));
        }
        return new Section("go-no-go", "Go/no-go", blocks);
    }

    private static Section risks(Plan plan, GateReport gate) {
        List<RiskRegister.Item> items = RiskRegister.of(plan, Optional.of(gate));
        return new Section("risk-register", "Risk register", List.of(new Table("risks",
                List.of("Failure mode", "Likelihood", "Impact", "At risk", "Mitigation", "Owner", "From"),
                items.stream().map(i -> List.of(i.failureMode(), i.likelihood(), i.impact(), i.atRisk(), i.mitigation(),
                        i.owner(), i.source())).toList())));
    }

    private static Section timelineSection(List<TimelineEvent> timeline) {
        if (timeline.isEmpty()) {
            return new Section("timeline", "Timeline", List.of(new Paragraph("Nothing has happened yet.")));
        }
        return new Section("timeline", "Timeline", List.of(new Table("events", List.of("#", "Time", "Event", "By", "Detail"),
                timeline.stream().map(e -> List.of(String.valueOf(e.seq()), e.at().toString(), e.kind(), e.actor(),
                        shorten(e.detail()))).toList())));
    }

    private static Section postmortem(List<TimelineEvent> timeline) {
        List<TimelineEvent> phases = timeline.stream().filter(e -> "phase".equals(e.kind())).toList();
        boolean switched = phases.stream().anyMatch(e -> SWITCHED.contains(field(e, "to")));
        if (!switched) {
            return new Section("postmortem", "Postmortem draft", List.of(new Paragraph("Not yet: the draft is written "
                    + "from the timeline once the application has been switched.")));
        }
        List<Block> blocks = new ArrayList<>();
        blocks.add(new Paragraph("What happened, phase by phase:"));
        blocks.add(new Bullets(phases.stream().map(e -> e.at() + ": " + field(e, "from") + " to " + field(e, "to")
                + (field(e, "detail").isEmpty() ? "" : " (" + field(e, "detail") + ")")).toList()));
        List<String> decisions = new ArrayList<>();
        for (TimelineEvent event : timeline) {
            switch (event.kind()) {
                case Signoff.EVENT -> decisions.add(event.at() + ": " + field(event, "name") + " signed off as "
                        + field(event, "role"));
                case GoNoGo.OVERRIDE_EVENT -> decisions.add(event.at() + ": " + event.actor() + " overrode the gate: "
                        + field(event, "reason"));
                case "completed" -> decisions.add(event.at() + ": " + event.actor() + " completed the migration");
                default -> {
                }
            }
        }
        blocks.add(new Paragraph("Decisions:"));
        blocks.add(decisions.isEmpty() ? new Paragraph("none recorded.") : new Bullets(decisions));
        List<String> nearMisses = timeline.stream().filter(e -> e.kind().startsWith("trigger-"))
                .map(e -> e.at() + ": " + e.kind().substring("trigger-".length()).replace('-', ' ') + " of "
                        + field(e, "trigger") + " " + shorten(e.detail())).toList();
        blocks.add(new Paragraph("Near-misses and triggers that fired:"));
        blocks.add(nearMisses.isEmpty() ? new Paragraph("none.") : new Bullets(nearMisses));
        blocks.add(new Paragraph("What went well, what to change, and the follow-ups with their owners: to be written "
                + "by the team."));
        return new Section("postmortem", "Postmortem draft", blocks);
    }

    private static String field(TimelineEvent event, String name) {
        try {
            JsonNode value = JSON.readTree(event.detail()).path(name);
            return value.isMissingNode() || value.isNull() ? "" : value.isTextual() ? value.asText() : value.toString();
        } catch (IOException e) {
            return "";
        }
    }

    private static String shorten(String text) {
        return text.length() > DETAIL_CHARACTERS ? text.substring(0, DETAIL_CHARACTERS - 3) + "..." : text;
    }
}
