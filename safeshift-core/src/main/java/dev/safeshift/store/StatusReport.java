package dev.safeshift.store;

import dev.safeshift.plan.VerifySchedule;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A consistent picture of one migration, read from the store in a single snapshot.
 *
 * @param lastVerification the verification that finished last, if any was recorded
 * @param verifySchedule   the plan's verification schedule, as the migration was registered with it
 * @param liveness    whether a daemon runs and what the source keeps for the slot, when the command
 *                    measured it (the store alone cannot tell that a killed daemon is gone)
 * @param generatedAt the store's clock when the picture was taken; ages ("reported 3 s ago") are
 *                    measured against it, so a command on another machine with a skewed clock
 *                    still reports them correctly
 * @param traffic     where the application's traffic goes, who follows it, and the stream back
 */
public record StatusReport(
        MigrationRecord migration,
        Phase phase,
        List<TableProgress> tables,
        Optional<StreamState> stream,
        Optional<VerificationSummary> lastVerification,
        Optional<VerifySchedule> verifySchedule,
        List<Request> pendingRequests,
        List<TimelineEvent> recentEvents,
        ChainCheck chain,
        Instant generatedAt,
        Optional<Liveness> liveness,
        Traffic traffic) {

    /** How many of the latest timeline events a status shows. */
    public static final int RECENT_EVENTS = 10;

    public StatusReport(MigrationRecord migration, Phase phase, List<TableProgress> tables, Optional<StreamState> stream,
                        Optional<VerificationSummary> lastVerification, Optional<VerifySchedule> verifySchedule,
                        List<Request> pendingRequests, List<TimelineEvent> recentEvents, ChainCheck chain,
                        Instant generatedAt) {
        this(migration, phase, tables, stream, lastVerification, verifySchedule, pendingRequests, recentEvents, chain,
                generatedAt, Optional.empty(), Traffic.NONE);
    }

    /**
     * Where the application's traffic goes and who follows it.
     *
     * @param route         the route the routers follow; empty until a cutover first set one
     * @param routers       what each router last reported
     * @param reverseStream the stream from the target back to the source, once a cutover created it
     * @param hold          the pause trigger holding the cutover window open, if one fired in it
     */
    public record Traffic(Optional<RouteState> route, List<RouterReport> routers, Optional<StreamState> reverseStream,
                          Optional<CutoverHold> hold) {

        public static final Traffic NONE = new Traffic(Optional.empty(), List.of(), Optional.empty(), Optional.empty());

        public Traffic {
            routers = List.copyOf(routers);
        }
    }

    public StatusReport {
        tables = List.copyOf(tables);
        pendingRequests = List.copyOf(pendingRequests);
        recentEvents = List.copyOf(recentEvents);
    }

    /** The same report with what was measured outside the store. */
    public StatusReport withLiveness(Liveness measured) {
        return new StatusReport(migration, phase, tables, stream, lastVerification, verifySchedule, pendingRequests,
                recentEvents, chain, generatedAt, Optional.of(measured), traffic);
    }

    /** Milliseconds between the daemon's last heartbeat and {@link #generatedAt}, if a daemon ever ran. */
    public Optional<Long> heartbeatAgeMillis() {
        return migration.heartbeatAt().map(at -> Math.max(0, generatedAt.toEpochMilli() - at.toEpochMilli()));
    }

    /** Milliseconds between the stream's last report and {@link #generatedAt}, if it reported. */
    public Optional<Long> streamReportAgeMillis() {
        return stream.flatMap(StreamState::reportedAt)
                .map(at -> Math.max(0, generatedAt.toEpochMilli() - at.toEpochMilli()));
    }

    /** Milliseconds between recording the last verification and {@link #generatedAt}, if one was recorded. */
    public Optional<Long> lastVerificationAgeMillis() {
        return lastVerification.map(v -> Math.max(0, generatedAt.toEpochMilli() - v.recordedAt().toEpochMilli()));
    }

    /**
     * Milliseconds until the next scheduled verification is due (0 when it is due now), if the plan
     * schedules any, by {@link dev.safeshift.plan.VerifySchedule#nextDueAt}, the rule the daemon's
     * scheduler uses, counted from when the last one was recorded on the store's clock.
     */
    public Optional<Long> nextVerificationDueInMillis() {
        return verifySchedule.map(schedule -> Duration.between(generatedAt,
                schedule.nextDueAt(lastVerification.map(VerificationSummary::recordedAt), generatedAt)).toMillis());
    }
}
