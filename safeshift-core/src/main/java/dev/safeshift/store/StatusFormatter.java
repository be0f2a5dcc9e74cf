package dev.safeshift.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;

/** Renders a {@link StatusReport} for people ({@link #text}) and for programs ({@link #json}). */
public final class StatusFormatter {

    private static final int DETAIL_WIDTH = 100;

    /**
     * A compact view: phase, per-table progress, stream lag and its age, the last verification,
     * pending requests, last events.
     */
    public String text(StatusReport report) {
        StringBuilder out = new StringBuilder();
        MigrationRecord migration = report.migration();
        out.append(migration.name()).append("  phase ").append(report.phase())
                .append("  (since ").append(time(migration.updatedAt())).append(", id ").append(migration.id())
                .append(")\n");
        appendTables(out, report);
        appendStream(out, report);
        out.append(VerificationStatus.line(report)).append('\n');
        if (report.pendingRequests().isEmpty()) {
            out.append("requests  none pending\n");
        } else {
            out.append("requests  ").append(report.pendingRequests().size()).append(" pending\n");
            for (Request request : report.pendingRequests()) {
                out.append("  #").append(request.id()).append(' ').append(request.kind()).append(" by ")
                        .append(request.requestedBy()).append(" at ").append(time(request.requestedAt())).append('\n');
            }
        }
        ChainCheck chain = report.chain();
        out.append("timeline  ").append(chain.ok()
                ? "chain intact (" + chain.eventsChecked() + " events)"
                : "CHAIN BROKEN at event " + chain.firstBrokenSeq().orElse(0L) + ": " + chain.problem().orElse("unknown"))
                .append('\n');
        for (TimelineEvent event : report.recentEvents()) {
            out.append("  #").append(event.seq()).append(' ').append(time(event.at())).append("  ").append(event.kind())
                    .append("  ").append(event.actor()).append("  ").append(shorten(event.detail())).append('\n');
        }
        return out.toString();
    }

    /** The same content as JSON with stable field names; times are ISO-8601 instants in UTC. */
    public String json(StatusReport report) {
        MigrationRecord migration = report.migration();
        ObjectNode root = Json.object()
                .put("name", migration.name())
                .put("id", migration.id())
                .put("phase", report.phase().name())
                .put("createdAt", iso(migration.createdAt()))
                .put("updatedAt", iso(migration.updatedAt()))
                .put("generatedAt", iso(report.generatedAt()));
        ArrayNode tables = root.putArray("tables");
        for (TableProgress table : report.tables()) {
            tables.addObject().put("table", table.table()).put("chunksDone", table.chunksDone())
                    .put("chunksTotal", table.chunksTotal()).put("rowsCopied", table.rowsCopied())
                    .put("estimatedRows", table.estimatedRows()).put("percent", Math.round(table.percent() * 10) / 10.0);
        }
        if (report.stream().isPresent()) {
            StreamState stream = report.stream().get();
            root.putObject("stream").put("slot", stream.slotName())
                    .put("publication", stream.publicationName()).put("startPosition", stream.startPosition())
                    .put("appliedPosition", stream.appliedPosition().orElse(null))
                    .put("lagBytes", stream.lagBytes().orElse(null)).put("lagMillis", stream.lagMillis().orElse(null))
                    .put("eventsApplied", stream.eventsApplied())
                    .put("reportedAt", stream.reportedAt().map(StatusFormatter::iso).orElse(null))
                    .put("reportAgeMillis", report.streamReportAgeMillis().orElse(null));
        } else {
            root.putNull("stream");
        }
        VerificationStatus.json(report, root);
        ArrayNode requests = root.putArray("pendingRequests");
        for (Request request : report.pendingRequests()) {
            requests.addObject().put("id", request.id()).put("kind", request.kind())
                    .put("requestedBy", request.requestedBy()).put("requestedAt", iso(request.requestedAt()))
                    .set("payload", Json.tree(request.payload()));
        }
        ChainCheck chain = report.chain();
        ObjectNode timeline = root.putObject("timeline").put("chainOk", chain.ok())
                .put("eventsChecked", chain.eventsChecked())
                .put("firstBrokenSeq", chain.firstBrokenSeq().orElse(null))
                .put("problem", chain.problem().orElse(null));
        ArrayNode recent = timeline.putArray("recent");
        for (TimelineEvent event : report.recentEvents()) {
            recent.addObject().put("seq", event.seq()).put("at", iso(event.at())).put("kind", event.kind())
                    .put("actor", event.actor()).put("hash", event.hash())
                    .set("detail", Json.tree(event.detail()));
        }
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the status could not be written as JSON", e);
        }
    }

    private static void appendTables(StringBuilder out, StatusReport report) {
        if (report.tables().isEmpty()) {
            out.append("tables  no chunk plan yet\n");
            return;
        }
        int width = report.tables().stream().mapToInt(t -> t.table().length()).max().orElse(0);
        out.append("tables\n");
        for (TableProgress table : report.tables()) {
            out.append(String.format(Locale.ROOT, "  %-" + width + "s  %5.1f%%  %d/%d chunks  %,d of ~%,d rows%n",
                    table.table(), table.percent(), table.chunksDone(), table.chunksTotal(), table.rowsCopied(),
                    table.estimatedRows()));
        }
    }

    private static void appendStream(StringBuilder out, StatusReport report) {
        if (report.stream().isEmpty()) {
            out.append("stream  not started\n");
            return;
        }
        StreamState stream = report.stream().get();
        out.append("stream  slot ").append(stream.slotName()).append(", from ").append(stream.startPosition());
        Optional<Long> age = report.streamReportAgeMillis();
        if (age.isEmpty()) {
            out.append("  no progress reported yet\n");
            return;
        }
        out.append("  applied ").append(stream.appliedPosition().orElse("-"))
                .append("  lag ").append(stream.lagBytes().map(b -> String.format(Locale.ROOT, "%,d bytes", b)).orElse("? bytes"))
                .append(", ").append(stream.lagMillis().map(StatusFormatter::seconds).orElse("? s"))
                .append(String.format(Locale.ROOT, "  %,d events applied", stream.eventsApplied()))
                .append("  reported ").append(ago(age.get())).append('\n');
    }

    /** "3 s ago", "4 min ago", "2 h ago": whole units, enough to see whether the daemon is alive. */
    static String ago(long millis) {
        return span(millis) + " ago";
    }

    /** "3 s", "4 min", "2 h": whole units, rounded down. */
    static String span(long millis) {
        long seconds = millis / 1000;
        if (seconds < 120) {
            return seconds + " s";
        }
        if (seconds < 2 * 3600) {
            return seconds / 60 + " min";
        }
        return seconds / 3600 + " h";
    }

    static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    private static String shorten(String detail) {
        return detail.length() <= DETAIL_WIDTH ? detail : detail.substring(0, DETAIL_WIDTH - 3) + "...";
    }

    private static String time(Instant at) {
        return at.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    static String iso(Instant at) {
        return at == null ? null : at.toString();
    }
}
