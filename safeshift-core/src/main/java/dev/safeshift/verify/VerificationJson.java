package dev.safeshift.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.safeshift.engine.ColumnDifference;
import java.util.List;
import java.util.Optional;

/**
 * A {@link VerificationReport} as JSON. {@code safeshift verify --json}, the control store and the
 * benchmark scripts all read this shape, so field names and nesting only ever grow.
 *
 * <p>Row differences are capped per table, because one bad table can differ in millions of rows;
 * {@code differencesOmitted} says how many were left out, and every count covers all of them.
 */
public final class VerificationJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private VerificationJson() {
    }

    /** @param maxDifferencesPerTable how many row differences of each table to include; 0 for none */
    public static ObjectNode toJson(VerificationReport report, int maxDifferencesPerTable) {
        if (maxDifferencesPerTable < 0) {
            throw new IllegalArgumentException("maxDifferencesPerTable is at least 0, not " + maxDifferencesPerTable);
        }
        ObjectNode root = NODES.objectNode()
                .put("migration", report.migration())
                .put("startedAt", report.startedAt().toString())
                .put("finishedAt", report.finishedAt().toString())
                .put("durationMillis", report.duration().toMillis());
        root.set("scope", scope(report.scope()));
        root.put("clean", report.clean());
        report.promise().ifPresent(promise -> root.set("promise", promise(promise)));
        report.notes().forEach(root.putArray("notes")::add);
        ArrayNode tables = root.putArray("tables");
        for (TableVerdict table : report.tables()) {
            tables.add(table(table, maxDifferencesPerTable));
        }
        return root;
    }

    private static ObjectNode scope(Scope scope) {
        ObjectNode node = NODES.objectNode();
        if (scope.isFull()) {
            return node.put("kind", "full");
        }
        return node.put("kind", "sample").put("percent", scope.samplePercent().getAsDouble()).put("seed", scope.seed());
    }

    private static ObjectNode promise(SamplePromise promise) {
        return NODES.objectNode()
                .put("chunksSampled", promise.chunksSampled())
                .put("chunks", promise.chunks())
                .put("confidence", promise.confidence())
                .put("rowsFraction", promise.rowsFraction())
                .put("clusteredFraction", promise.clusteredFraction())
                .put("scatteredFraction", promise.scatteredFraction());
    }

    private static ObjectNode table(TableVerdict table, int maxDifferences) {
        ObjectNode node = NODES.objectNode()
                .put("table", table.table())
                .put("sourceRows", table.sourceRows())
                .put("targetRows", table.targetRows())
                .put("chunks", table.chunks())
                .put("chunksChecked", table.chunksChecked())
                .put("chunksMatched", table.chunksMatched())
                .put("chunksMismatched", table.chunksMismatched())
                .put("rowsChecked", table.rowsChecked())
                .put("missingInTarget", table.missingInTarget())
                .put("extraInTarget", table.extraInTarget())
                .put("differing", table.differing())
                .put("unsettled", table.unsettledKeys().size());
        ArrayNode columns = node.putArray("columnDifferences");
        for (ColumnDifference column : table.columnDifferences()) {
            ObjectNode entry = columns.addObject().put("column", column.column()).put("kind", column.kind().name());
            column.sourceType().ifPresentOrElse(type -> entry.put("sourceType", type), () -> entry.putNull("sourceType"));
            column.targetType().ifPresentOrElse(type -> entry.put("targetType", type), () -> entry.putNull("targetType"));
        }
        ArrayNode unsettledKeys = node.putArray("unsettledKeys");
        table.unsettledKeys().forEach(key -> unsettledKeys.add(strings(key)));
        node.put("durationMillis", table.duration().toMillis())
                .put("rowsPerSecond", table.rowsPerSecond());
        ArrayNode differences = node.putArray("differences");
        List<RowDifference> shown = table.differences().subList(0, Math.min(maxDifferences, table.differences().size()));
        shown.forEach(difference -> differences.add(difference(difference)));
        node.put("differencesOmitted", table.differences().size() - shown.size());
        return node;
    }

    private static ObjectNode difference(RowDifference difference) {
        ObjectNode node = NODES.objectNode().put("kind", difference.kind().name());
        node.set("key", strings(difference.key()));
        node.set("columns", strings(difference.columns()));
        node.set("source", row(difference.sourceRow()));
        node.set("target", row(difference.targetRow()));
        node.set("differingColumns", strings(difference.differingColumns()));
        return node;
    }

    /** An absent row is null, unlike a row of NULL columns, which is an array of nulls. */
    private static JsonNode row(Optional<List<String>> row) {
        return row.<JsonNode>map(VerificationJson::strings).orElse(NODES.nullNode());
    }

    /** Each entry as a JSON string, or null for a NULL column. */
    private static ArrayNode strings(List<String> values) {
        ArrayNode array = NODES.arrayNode();
        values.forEach(array::add);
        return array;
    }
}
