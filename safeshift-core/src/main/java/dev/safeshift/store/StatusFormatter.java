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
        appendDaemon(out, report);
        appendTables(out, report);
        appendStream(out, report);
        appendRetainedWal(out, report);
        appendTraffic(out, report);
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
                    .put("publication", stream.publicationName()).put("startPosition", stream.startPosition().orElse(null))
                    .put("sourceSystemId", stream.sourceSystemId().orElse(null))
                    .put("retainedWalBytesReported", stream.retainedWalBytes().orElse(null))
                    .put("appliedPosition", stream.appliedPosition().orElse(null))
                    .put("lagBytes", stream.lagBytes().orElse(null)).put("lagMillis", stream.lagMillis().orElse(null))
                    .put("eventsApplied", stream.eventsApplied())
                    .put("reportedAt", stream.reportedAt().map(StatusFormatter::iso).orElse(null))
                    .put("reportAgeMillis", report.streamReportAgeMillis().orElse(null));
        } else {
            root.putNull("stream");
        }
        ObjectNode daemon = root.putObject("daemon")
                .put("name", migration.daemon().orElse(null))
                .put("heartbeatAt", migration.heartbeatAt().map(StatusFormatter::iso).orElse(null))
                .put("heartbeatAgeMillis", report.heartbeatAgeMillis().orElse(null))
                .put("endedAt", migration.daemonEndedAt().map(StatusFormatter::iso).orElse(null));
        report.liveness().ifPresent(liveness -> {
            daemon.put("running", liveness.daemonRunning());
            root.putObject("retainedWal")
                    .put("bytes", liveness.retainedWalBytes().orElse(null))
                    .put("unavailable", liveness.retainedWalUnavailable().orElse(null))
                    .put("warnAboveBytes", liveness.warnRetainedWalBytes())
                    .put("aboveWarning", liveness.retainedWalAboveWarning());
        });
        StatusReport.Traffic traffic = report.traffic();
        ObjectNode route = root.putObject("traffic");
        traffic.route().ifPresentOrElse(state -> route.put("route", state.route().name()).put("epoch", state.epoch())
                .put("changedBy", state.changedBy()).put("changedAt", iso(state.changedAt()))
                .put("resumeTo", state.resumeTo().map(Route::name).orElse(null))
                .put("pausedUntil", state.pausedUntil().map(StatusFormatter::iso).orElse(null)),
                () -> route.putNull("route"));
        ArrayNode routers = route.putArray("routers");
        for (RouterReport router : traffic.routers()) {
            routers.addObject().put("instance", router.instance()).put("seenRoute", router.seenRoute().name())
                    .put("seenEpoch", router.seenEpoch()).put("sourceInFlight", router.sourceInFlight())
                    .put("targetInFlight", router.targetInFlight()).put("held", router.held())
                    .put("silentMillis", router.silentFor().toMillis());
        }
        traffic.reverseStream().ifPresentOrElse(back -> route.putObject("streamBack").put("slot", back.slotName())
                .put("appliedPosition", back.appliedPosition().orElse(null))
                .put("lagMillis", back.lagMillis().orElse(null)).put("eventsApplied", back.eventsApplied())
                .put("reportedAt", back.reportedAt().map(StatusFormatter::iso).orElse(null)),
                () -> route.putNull("streamBack"));
        traffic.hold().ifPresentOrElse(hold -> route.putObject("hold").put("trigger", hold.trigger())
                .put("owner", hold.owner().isEmpty() ? null : hold.owner()).put("reason", hold.reason())
                .put("since", iso(hold.at())), () -> route.putNull("hold"));
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

    /** Where the application's traffic goes, the routers that follow it, and the stream back. */
    private static void appendTraffic(StringBuilder out, StatusReport report) {
        StatusReport.Traffic traffic = report.traffic();
        if (traffic.route().isEmpty() && traffic.routers().isEmpty()) {
            return;
        }
        out.append("traffic   ");
        traffic.route().ifPresentOrElse(route -> {
            out.append(route.route()).append(" (change ").append(route.epoch()).append(", by ").append(route.changedBy())
                    .append(" at ").append(time(route.changedAt()));
            route.pausedUntil().ifPresent(until -> out.append("; held until ").append(time(until)).append(", then ")
                    .append(route.resumeTo().map(Route::name).orElse("?")));
            out.append(')');
        }, () -> out.append("SOURCE (no cutover yet)"));
        out.append("; ").append(traffic.routers().size()).append(" router(s)\n");
        traffic.hold().ifPresent(hold -> out.append("  HELD by trigger ").append(hold.trigger())
                .append(hold.owner().isEmpty() ? "" : " (owner " + hold.owner() + ")").append(" since ")
                .append(time(hold.at())).append(": ").append(hold.reason()).append("; safeshift complete is refused")
                .append(" until someone rolls back or completes with --despite-hold\n"));
        for (RouterReport router : traffic.routers()) {
            out.append("  ").append(router.instance()).append(": saw ").append(router.seenRoute()).append(" (change ")
                    .append(router.seenEpoch()).append("), ").append(router.sourceInFlight()).append(" in flight on the")
                    .append(" source, ").append(router.targetInFlight()).append(" on the target, ").append(router.held())
                    .append(" held; reported ").append(router.silentFor().toSeconds()).append(" s ago\n");
        }
        traffic.reverseStream().ifPresent(back -> out.append("stream back  slot ").append(back.slotName())
                .append(", ").append(back.eventsApplied()).append(" changes applied to the source")
                .append(back.lagMillis().map(lag -> ", " + lag + " ms behind").orElse("")).append('\n'));
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
        if (!stream.started()) {
            out.append("stream  slot ").append(stream.slotName()).append(" recorded, not created yet\n");
            return;
        }
        out.append("stream  slot ").append(stream.slotName()).append(", from ").append(stream.startPosition().get());
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

    /**
     * Whether a daemon runs: from the lock when the command checked it (a killed daemon leaves a
     * heartbeat behind but not its lock), with the heartbeat's age; from the heartbeat alone otherwise.
     */
    private static void appendDaemon(StringBuilder out, StatusReport report) {
        MigrationRecord migration = report.migration();
        Optional<Long> heartbeat = report.heartbeatAgeMillis();
        String name = migration.daemon().map(d -> " (" + d + ")").orElse("");
        Optional<Boolean> running = report.liveness().map(Liveness::daemonRunning);
        boolean recentHeartbeat = migration.daemonEndedAt().isEmpty()
                && heartbeat.map(age -> age < Liveness.HEARTBEAT_STALE_MILLIS).orElse(false);
        if (running.orElse(recentHeartbeat)) {
            out.append("daemon  running").append(name);
            heartbeat.ifPresent(age -> out.append(", heartbeat ").append(ago(age)));
            if (heartbeat.map(age -> age >= Liveness.HEARTBEAT_STALE_MILLIS).orElse(true)) {
                out.append("  WARNING: no heartbeat for ").append(heartbeat.map(StatusFormatter::span).orElse("ever"))
                        .append("; the daemon may be stuck (its log says why)");
            }
            out.append('\n');
            return;
        }
        if (migration.daemon().isEmpty()) {
            out.append("daemon  none has run yet; start one with safeshift run\n");
            return;
        }
        Instant since = migration.daemonEndedAt().or(migration::heartbeatAt).orElse(migration.updatedAt());
        out.append("daemon  NOT RUNNING since ").append(time(since))
                .append(" (").append(ago(Math.max(0, report.generatedAt().toEpochMilli() - since.toEpochMilli())))
                .append("; last ").append(migration.daemon().get())
                .append(migration.daemonEndedAt().isPresent() ? " ended" : " stopped sending heartbeats, so it was killed or lost")
                .append("). Nothing is copied or streamed until safeshift run starts one again.\n");
    }

    /** The write-ahead log the source keeps for the slot: it grows while no daemon streams. */
    private static void appendRetainedWal(StringBuilder out, StatusReport report) {
        Optional<Liveness> liveness = report.liveness();
        Optional<StreamState> stream = report.stream().filter(StreamState::started);
        if (liveness.isEmpty() || stream.isEmpty()) {
            return;
        }
        Liveness measured = liveness.get();
        if (measured.retainedWalBytes().isEmpty()) {
            out.append("source  retained write-ahead log unknown: ")
                    .append(measured.retainedWalUnavailable().orElse("not measured")).append('\n');
            return;
        }
        long bytes = measured.retainedWalBytes().get();
        out.append("source  keeps ").append(bytes(bytes)).append(" of write-ahead log for slot ")
                .append(stream.get().slotName()).append('\n');
        if (measured.retainedWalAboveWarning()) {
            out.append("  WARNING: that is more than ").append(bytes(measured.warnRetainedWalBytes()))
                    .append(" (stream.warn-retained-wal). The source keeps it until the stream reads past it, and")
                    .append(" it fills the source's disk if nothing does. Run safeshift run to resume streaming, or")
                    .append(" safeshift abort to give the migration up and drop the slot.\n");
        }
    }

    /** Sizes as PostgreSQL's pg_size_pretty prints them: 1024-based, one unit. */
    static String bytes(long bytes) {
        return dev.safeshift.plan.Sizes.pretty(bytes);
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
