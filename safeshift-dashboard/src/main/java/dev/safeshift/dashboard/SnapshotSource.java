package dev.safeshift.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.safeshift.app.GoNoGo;
import dev.safeshift.gate.Criterion;
import dev.safeshift.gate.GateReport;
import dev.safeshift.gate.Signoff;
import dev.safeshift.plan.Durations;
import dev.safeshift.plan.Plan;
import dev.safeshift.plan.Policy;
import dev.safeshift.report.RiskRegister;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.CutoverHold;
import dev.safeshift.store.DaemonLock;
import dev.safeshift.store.MigrationRecord;
import dev.safeshift.store.Phase;
import dev.safeshift.store.StatusReport;
import dev.safeshift.store.StreamState;
import dev.safeshift.store.TableProgress;
import dev.safeshift.store.TimelineEvent;
import dev.safeshift.store.TriggerRecord;
import dev.safeshift.store.VerificationSummary;
import dev.safeshift.trigger.TriggerSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Reads what the dashboard shows from the control store, where the daemon keeps everything: the
 * phase and progress, the stream, the triggers with their recent values, the last verification,
 * the sign-offs, the top risks and the latest events, and the go/no-go gate (evaluated at most
 * every {@link #GATE_EVERY}, since it runs the plan's own checks).
 */
final class SnapshotSource implements AutoCloseable {

    static final Duration GATE_EVERY = Duration.ofSeconds(15);
    private static final int EVENTS = 20;
    private static final int SERIES = 60;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Plan plan;
    private final Optional<Policy> policy;
    private ControlStore store;
    private GateReport gate;
    private Instant gateAt = Instant.EPOCH;

    SnapshotSource(Plan plan, Optional<Policy> policy) {
        this.plan = plan;
        this.policy = policy;
    }

    synchronized ObjectNode read() {
        try {
            return snapshot(store());
        } catch (RuntimeException e) {
            closeStore(); // opened again next time: the store's server may have restarted
            ObjectNode failed = JSON.createObjectNode().put("migration", plan.name()).put("generatedAt",
                    Instant.now().toString());
            failed.putObject("status").put("word", StatusWord.AT_RISK).put("reason", "The dashboard cannot read the "
                    + "migration's records right now: " + e.getMessage());
            return failed;
        }
    }

    /** The gate now, for the dashboard's buttons, which must not act on a cached one. */
    GateReport freshGate() {
        GateReport report = new GoNoGo(plan, policy, "dashboard").evaluate();
        synchronized (this) {
            gate = report;
            gateAt = Instant.now();
        }
        return report;
    }

    private ObjectNode snapshot(ControlStore store) {
        Instant now = Instant.now();
        ObjectNode root = JSON.createObjectNode().put("migration", plan.name()).put("generatedAt", now.toString());
        Optional<MigrationRecord> migration = store.find(plan.name());
        boolean running = DaemonLock.isHeld(plan.controlEndpoint(), plan.control().schema(), plan.name());
        if (migration.isEmpty()) {
            StatusWord status = StatusWord.of(Phase.PLANNED, running, List.of());
            root.putObject("status").put("word", status.word()).put("reason", status.reason());
            root.put("phase", Phase.PLANNED.name()).put("phaseText", PlainWords.words(Phase.PLANNED.name()));
            return root;
        }
        long id = migration.get().id();
        StatusReport report = store.status(plan.name());
        List<TimelineEvent> timeline = store.timeline(id);
        List<TriggerRecord> evaluations = store.evaluations(id);
        List<String> problems = new ArrayList<>();

        root.put("phase", report.phase().name()).put("phaseText", PlainWords.words(report.phase().name()));
        progress(root, report.tables());
        report.stream().filter(StreamState::started).ifPresent(stream -> {
            ObjectNode lag = root.putObject("lag");
            stream.lagMillis().ifPresent(millis -> {
                lag.put("millis", millis);
                if (report.phase() == Phase.STREAMING && millis >= plan.cutover().maxLag().toMillis()) {
                    problems.add("Changes reach the new database " + Durations.format(Duration.ofMillis(millis))
                            + " late, more than the plan allows (" + Durations.format(plan.cutover().maxLag()) + ").");
                }
            });
            stream.lagBytes().ifPresent(bytes -> lag.put("bytes", bytes));
        });
        report.lastVerification().ifPresent(last -> {
            verification(root, last, now);
            if (!last.clean()) {
                problems.add("The last check found differences between the databases.");
            }
        });
        if (report.phase() == Phase.CUT_OVER) {
            // the window opened with the latest switch to the target
            timeline.stream().filter(e -> "phase".equals(e.kind()) && PlainWords.to(e).equals(Phase.CUT_OVER.name()))
                    .reduce((first, second) -> second).ifPresent(cut -> root.putObject("window")
                            .put("since", cut.at().toString())
                            .put("elapsedSeconds", Duration.between(cut.at(), now).toSeconds()));
        }
        triggers(root, evaluations, problems);
        CutoverHold.current(store, id).ifPresent(hold -> problems.add("An alarm holds the cutover window open until a "
                + "person decides."));
        GateReport gateNow = gate(now);
        ObjectNode gateNode = root.putObject("gate").put("passed", gateNow.passed());
        ArrayNode criteria = gateNode.putArray("criteria");
        for (Criterion criterion : gateNow.criteria()) {
            criteria.addObject().put("name", criterion.name()).put("verdict", criterion.verdict().name())
                    .put("evidence", criterion.evidence());
        }
        ArrayNode signoffs = root.putArray("signoffs");
        for (Signoff signoff : Signoff.from(timeline)) {
            signoffs.addObject().put("name", signoff.name()).put("role", signoff.role()).put("at", signoff.at().toString())
                    .put("counts", signoff.planSha256().equals(gateNow.planSha256()));
        }
        ArrayNode risks = root.putArray("risks");
        RiskRegister.of(plan, Optional.of(gateNow)).stream().limit(3).forEach(risk -> risks.addObject()
                .put("failureMode", risk.failureMode()).put("atRisk", risk.atRisk()).put("owner", risk.owner()));
        ArrayNode events = root.putArray("events");
        for (int i = timeline.size() - 1; i >= 0 && i >= timeline.size() - EVENTS; i--) {
            events.addObject().put("at", timeline.get(i).at().toString()).put("text", PlainWords.of(timeline.get(i)));
        }
        root.put("patterns", "not available yet: the latency of the worst query patterns is recorded by the routers "
                + "and shown by safeshift status");
        StatusWord status = StatusWord.of(report.phase(), running, problems);
        root.putObject("status").put("word", status.word()).put("reason", status.reason());
        return root;
    }

    private static void progress(ObjectNode root, List<TableProgress> tables) {
        long copied = tables.stream().mapToLong(TableProgress::rowsCopied).sum();
        long estimated = tables.stream().mapToLong(TableProgress::estimatedRows).sum();
        int done = tables.stream().mapToInt(TableProgress::chunksDone).sum();
        int total = tables.stream().mapToInt(TableProgress::chunksTotal).sum();
        root.putObject("progress").put("rowsCopied", copied).put("estimatedRows", estimated).put("chunksDone", done)
                .put("chunksTotal", total).put("percent", total == 0 ? 0 : Math.min(100, done * 100 / total));
    }

    private static void verification(ObjectNode root, VerificationSummary last, Instant now) {
        Duration age = Duration.between(last.recordedAt(), now);
        root.putObject("verification").put("clean", last.clean()).put("ageSeconds", age.toSeconds())
                .put("text", (last.clean() ? "Equal" : "Differences found") + " (" + (last.scope().isFull() ? "full check"
                        : last.scope().samplePercent().orElse(0) + "% sample") + ", " + Durations.format(age) + " ago)");
    }

    private void triggers(ObjectNode root, List<TriggerRecord> evaluations, List<String> problems) {
        ArrayNode list = root.putArray("triggers");
        for (TriggerSpec trigger : plan.cutover().triggers()) {
            List<TriggerRecord> mine = evaluations.stream().filter(e -> e.trigger().equals(trigger.name())
                    && !"BASELINE".equals(e.verdict())).sorted(Comparator.comparing(TriggerRecord::at)).toList();
            Optional<TriggerRecord> latest = mine.isEmpty() ? Optional.empty() : Optional.of(mine.get(mine.size() - 1));
            ObjectNode node = list.addObject().put("name", trigger.name()).put("sentence", TriggerSentence.of(trigger, latest))
                    .put("action", trigger.action().name().toLowerCase(java.util.Locale.ROOT))
                    .put("unit", trigger.metric().unit().symbol());
            latest.ifPresent(record -> {
                node.put("verdict", record.verdict());
                record.threshold().ifPresent(t -> node.put("threshold", t));
                if ("BREACH".equals(record.verdict()) || record.fired()) {
                    problems.add("Alarm " + trigger.name() + ": " + TriggerSentence.of(trigger, latest) + ".");
                }
            });
            ArrayNode series = node.putArray("series");
            mine.stream().skip(Math.max(0, mine.size() - SERIES)).filter(r -> r.value().isPresent())
                    .forEach(r -> series.addArray().add(r.at().toEpochMilli()).add(r.value().getAsDouble()));
        }
    }

    private GateReport gate(Instant now) {
        if (gate == null || Duration.between(gateAt, now).compareTo(GATE_EVERY) >= 0) {
            gate = new GoNoGo(plan, policy, "dashboard").evaluate();
            gateAt = now;
        }
        return gate;
    }

    private ControlStore store() {
        if (store == null) {
            store = ControlStore.open(plan.controlEndpoint(), plan.control().schema());
        }
        return store;
    }

    private void closeStore() {
        if (store != null) {
            try {
                store.close();
            } catch (RuntimeException ignored) {
                // it is being replaced because it failed
            }
            store = null;
        }
    }

    @Override
    public synchronized void close() {
        closeStore();
    }
}
