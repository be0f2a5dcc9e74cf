package dev.safeshift.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A consistent picture of one migration, read from the store in a single snapshot.
 *
 * @param generatedAt the store's clock when the picture was taken; ages ("reported 3 s ago") are
 *                    measured against it, so a command on another machine with a skewed clock
 *                    still reports them correctly
 */
public record StatusReport(
        MigrationRecord migration,
        Phase phase,
        List<TableProgress> tables,
        Optional<StreamState> stream,
        List<Request> pendingRequests,
        List<TimelineEvent> recentEvents,
        ChainCheck chain,
        Instant generatedAt) {

    /** How many of the latest timeline events a status shows. */
    public static final int RECENT_EVENTS = 10;

    public StatusReport {
        tables = List.copyOf(tables);
        pendingRequests = List.copyOf(pendingRequests);
        recentEvents = List.copyOf(recentEvents);
    }

    /** Milliseconds between the stream's last report and {@link #generatedAt}, if it reported. */
    public Optional<Long> streamReportAgeMillis() {
        return stream.flatMap(StreamState::reportedAt)
                .map(at -> Math.max(0, generatedAt.toEpochMilli() - at.toEpochMilli()));
    }
}
