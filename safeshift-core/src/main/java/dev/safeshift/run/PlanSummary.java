package dev.safeshift.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.safeshift.plan.Durations;
import dev.safeshift.plan.Plan;
import dev.safeshift.plan.TableSpec;
import java.lang.management.ManagementFactory;

/** JSON written to the control store about a plan or the daemon: never a password. */
public final class PlanSummary {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PlanSummary() {
    }

    public static String json(Plan plan) {
        ObjectNode root = JSON.createObjectNode();
        root.put("name", plan.name());
        root.put("file", plan.file() == null ? null : plan.file().getFileName().toString());
        root.put("source", plan.source().redactedUrl());
        root.put("target", plan.moveTarget().redactedUrl());
        ArrayNode tables = root.putArray("tables");
        for (TableSpec table : plan.tables()) {
            ObjectNode node = tables.addObject();
            node.put("source", table.source().toString());
            node.put("target", table.target().toString());
            table.columns().forEach(node.putArray("columns")::add);
            node.put("existingRows", table.existingRows().planValue());
        }
        root.put("parallelism", plan.copy().parallelism());
        root.put("rowsPerChunk", plan.copy().rowsPerChunk());
        root.put("retryGiveUpAfterSeconds", plan.retry().giveUpAfter().getSeconds());
        root.put("warnRetainedWalBytes", plan.stream().warnRetainedWalBytes());
        // status reads verify.everySeconds and verify.samplePercent back to say when the next is due
        plan.verify().ifPresent(schedule -> {
            ObjectNode verify = root.putObject("verify");
            verify.put("every", Durations.format(schedule.every()));
            verify.put("everySeconds", schedule.every().getSeconds());
            if (!schedule.full()) {
                verify.put("samplePercent", schedule.samplePercent().getAsDouble());
            }
        });
        return root.toString();
    }

    static String daemonDetail() {
        ObjectNode root = JSON.createObjectNode();
        root.put("pid", ProcessHandle.current().pid());
        root.put("jvm", ManagementFactory.getRuntimeMXBean().getName());
        return root.toString();
    }

    static String errorDetail(Exception e) {
        ObjectNode root = JSON.createObjectNode();
        root.put("error", e.getClass().getSimpleName());
        root.put("message", String.valueOf(e.getMessage()));
        return root.toString();
    }
}
