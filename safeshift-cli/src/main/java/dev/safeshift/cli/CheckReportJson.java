package dev.safeshift.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.safeshift.check.Finding;
import dev.safeshift.check.Severity;
import dev.safeshift.postgres.check.TableEffect;
import dev.safeshift.postgres.check.cost.Estimate;
import dev.safeshift.postgres.check.trace.HeldLock;
import dev.safeshift.postgres.check.trace.TracedStatement;
import dev.safeshift.postgres.review.ChangeReport;
import dev.safeshift.postgres.review.CheckedStatement;
import dev.safeshift.postgres.review.EffectEstimate;

/**
 * The JSON form of a {@link ChangeReport}, for CI and other tools. Field names are part of the
 * interface: add fields, do not rename them.
 */
final class CheckReportJson {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CheckReportJson() {
    }

    static String render(ChangeReport report, Severity threshold) throws Exception {
        ObjectNode root = JSON.createObjectNode();
        root.put("plan", report.plan());
        root.put("fail_on", threshold.label());
        root.put("fails", report.failsAt(threshold));
        ObjectNode counts = root.putObject("counts");
        for (Severity severity : Severity.values()) {
            counts.put(severity.label(), report.count(severity));
        }
        ObjectNode tables = root.putObject("tables");
        report.tables().forEach((name, size) -> {
            ObjectNode table = tables.putObject(name);
            if (size.rows().isPresent()) {
                table.put("rows", size.rows().getAsLong());
            } else {
                table.putNull("rows");
            }
            table.put("data_bytes", size.heapBytes() + size.toastBytes());
            table.put("index_bytes", size.indexBytes());
            table.put("indexes", size.indexes());
            var speed = report.speeds().get(name);
            if (speed != null) {
                table.put("read_bytes_per_second", Math.round(speed.bytesPerSecond()));
                table.put("read_from_cache", speed.cached());
            }
        });
        report.traceServer().ifPresent(version -> root.put("trace_server", version));
        ArrayNode statements = root.putArray("statements");
        for (CheckedStatement checked : report.statements()) {
            statements.add(statement(checked));
        }
        findings(root.putArray("plan_findings"), report.planFindings());
        return JSON.writeValueAsString(root);
    }

    private static ObjectNode statement(CheckedStatement checked) {
        var parsed = checked.review().statement();
        ObjectNode node = JSON.createObjectNode();
        node.put("number", parsed.number());
        node.put("origin", parsed.origin());
        node.put("line", parsed.line());
        node.put("sql", parsed.sql());
        parsed.problem().ifPresent(problem -> node.put("parse_problem", problem));
        ArrayNode effects = node.putArray("effects");
        for (EffectEstimate effect : checked.effects()) {
            TableEffect what = effect.effect();
            ObjectNode item = effects.addObject();
            item.put("table", what.table().toString());
            item.put("lock", what.lock().pgName());
            item.put("blocks_reads", what.lock().blocksReads());
            item.put("blocks_writes", what.lock().blocksWrites());
            item.put("blocks", what.lock().blocks());
            item.put("work", what.work().name().toLowerCase(java.util.Locale.ROOT));
            item.put("why", what.why());
            effect.estimate().ifPresent(estimate -> estimate(item.putObject("estimate"), estimate));
            item.put("writes_blocked_seconds", effect.writesBlockedSeconds());
        }
        checked.trace().ifPresent(trace -> trace(node.putObject("trace"), trace));
        findings(node.putArray("findings"), checked.findings());
        return node;
    }

    private static void estimate(ObjectNode node, Estimate estimate) {
        node.put("seconds", estimate.seconds());
        node.put("low_seconds", estimate.low());
        node.put("high_seconds", estimate.high());
        node.put("basis", estimate.basis());
    }

    private static void trace(ObjectNode node, TracedStatement trace) {
        node.put("traced", trace.traced());
        trace.notTracedReason().ifPresent(reason -> node.put("not_traced_reason", reason));
        trace.error().ifPresent(error -> node.put("error", error));
        ArrayNode locks = node.putArray("locks");
        for (HeldLock lock : trace.locks()) {
            locks.addObject().put("relation", lock.relation()).put("mode", lock.mode());
        }
        trace.rewritten().forEach(node.putArray("rewritten")::add);
        trace.scanned().forEach(node.putArray("scanned")::add);
    }

    private static void findings(ArrayNode array, java.util.List<Finding> findings) {
        for (Finding finding : findings) {
            ObjectNode item = array.addObject();
            item.put("rule", finding.rule());
            item.put("severity", finding.severity().label());
            item.put("subject", finding.subject());
            item.put("message", finding.message());
            finding.advice().ifPresent(advice -> item.put("advice", advice));
        }
    }
}
