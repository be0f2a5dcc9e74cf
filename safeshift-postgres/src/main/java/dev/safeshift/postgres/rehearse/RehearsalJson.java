package dev.safeshift.postgres.rehearse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.safeshift.postgres.check.TableEffect;
import dev.safeshift.postgres.check.cost.ReadSpeed;
import java.util.Optional;

/** A rehearsal as JSON: what {@code rehearse --json} prints and the control store keeps. */
public final class RehearsalJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RehearsalJson() {
    }

    public static ObjectNode of(RehearsalReport report) {
        ObjectNode root = JSON.createObjectNode();
        root.put("plan", report.plan());
        root.put("at", report.at().toString());
        root.put("verdict", report.verdict());
        report.reasons().forEach(root.withArray("reasons")::add);
        root.put("mode", report.mode());
        root.put("scratch", report.scratch());
        report.scales().forEach(root.withArray("scales")::add);
        root.put("repeats", report.repeats());
        root.put("seed", report.seed());
        prediction(root.putObject("total"), report.total());
        ArrayNode statements = root.putArray("statements");
        int last = 0;
        for (RehearsedStep step : report.steps()) {
            if (step.step().statement().number() != last) {
                last = step.step().statement().number();
                statements.add(step.step().statement().sql());
            }
        }
        ArrayNode tables = root.putArray("tables");
        for (TableSample table : report.tables()) {
            ObjectNode node = tables.addObject();
            node.put("table", table.table().toString());
            node.put("production_rows", table.productionRows());
            node.put("production_bytes", table.productionBytes());
            speed(node, "production_read_bytes_per_second", table.productionSpeed());
            speed(node, "scratch_read_bytes_per_second", table.scratchSpeed());
            node.put("index_build_workers", table.parallelWorkers());
            ArrayNode samples = node.putArray("samples");
            table.sampleRows().forEach(m -> samples.addObject().put("scale", m.scale()).put("rows", m.rows()));
        }
        ArrayNode steps = root.putArray("steps");
        for (RehearsedStep step : report.steps()) {
            ObjectNode node = steps.addObject();
            PlannedStep planned = step.step();
            node.put("statement", planned.statement().number());
            node.put("step", planned.number());
            node.put("steps", planned.of());
            node.put("place", planned.place());
            node.put("origin", planned.statement().origin());
            node.put("line", planned.statement().line());
            node.put("sql", planned.sql());
            node.put("purpose", planned.purpose());
            planned.strongestLock().ifPresent(lock -> node.put("lock", lock.pgName()));
            node.put("blocks_writes", planned.writeBlocking().isPresent());
            planned.timedEffect().map(TableEffect::table).ifPresent(table -> node.put("table", table.toString()));
            planned.timedEffect().ifPresent(effect -> node.put("work", effect.work().name().toLowerCase(java.util.Locale.ROOT)));
            node.put("growth", planned.growth().label());
            step.failure().ifPresent(failure -> node.put("failure", failure));
            step.fit().ifPresent(fit -> {
                ArrayNode measured = node.putArray("measured");
                fit.measurements().forEach(m -> measured.addObject().put("scale", m.scale()).put("rows", m.rows())
                        .put("seconds", m.seconds()));
                node.put("fixed_seconds", fit.fixedSeconds());
                node.put("seconds_per_unit", fit.secondsPerUnit());
                node.put("fit", fit.basis());
            });
            node.put("read_seconds", step.readSeconds());
            step.prediction().ifPresent(p -> prediction(node.putObject("predicted"), p));
        }
        report.notes().forEach(root.withArray("notes")::add);
        return root;
    }

    private static void prediction(ObjectNode node, Prediction prediction) {
        node.put("seconds", prediction.seconds());
        node.put("low_seconds", prediction.low());
        node.put("high_seconds", prediction.high());
    }

    private static void speed(ObjectNode node, String field, Optional<ReadSpeed> speed) {
        speed.ifPresent(s -> node.put(field, Math.round(s.bytesPerSecond())));
    }
}
