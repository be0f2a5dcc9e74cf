package dev.safeshift.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.safeshift.SafeshiftException;
import dev.safeshift.jdbc.ConnectionLoss;
import dev.safeshift.jdbc.Connections;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.VerifySchedule;
import dev.safeshift.verify.VerificationReport;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The control store: the single source of truth for every migration. Everything a migration did
 * is a row in one schema of a real database, and its timeline is append-only and hash-chained.
 *
 * <p>Thread-safe: methods are synchronized over one connection, because chunk workers report to
 * the same store concurrently. Changes that span statements run in one transaction; changes to a
 * migration's history also lock its row, so other processes writing to the same store take turns.
 */
public final class ControlStore implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ControlStore.class);

    /** Actor of phase changes made by Safeshift itself rather than on someone's request. */
    public static final String SYSTEM_ACTOR = "safeshift";

    /** How many row differences of each table a stored verification report keeps; its counts cover all. */
    public static final int STORED_DIFFERENCES_PER_TABLE = 100;

    private final Endpoint endpoint;
    private final StoreDialect dialect;
    private final String schema;
    // Replaced when the connection is lost (a restarted server, a terminated session): the next
    // call opens a new one, so a daemon rides out a restart of the store's database.
    private Connection connection;
    private boolean lost;
    private MigrationTable migrations;
    private TimelineTable timeline;
    private ChunkTable chunks;
    private StreamTable streams;
    private RequestTable requests;
    private VerificationTable verifications;
    private RouteTable routes;
    private TriggerTable triggers;

    private ControlStore(Endpoint endpoint, StoreDialect dialect, String schema, Connection connection) {
        this.endpoint = endpoint;
        this.dialect = dialect;
        this.schema = schema;
        use(connection);
    }

    private void use(Connection opened) {
        this.connection = opened;
        this.migrations = new MigrationTable(opened, dialect, schema);
        this.timeline = new TimelineTable(opened, dialect, schema);
        this.chunks = new ChunkTable(opened, dialect, schema);
        this.streams = new StreamTable(opened, dialect, schema);
        this.requests = new RequestTable(opened, dialect, schema);
        this.verifications = new VerificationTable(opened, dialect, schema);
        this.routes = new RouteTable(opened, dialect, schema);
        this.triggers = new TriggerTable(opened, dialect, schema);
    }

    /** Connects, then creates or upgrades the store's tables in {@code schema}. */
    public static ControlStore open(Endpoint endpoint, String schema) {
        StoreSchema.validName(schema);
        StoreDialect dialect = StoreDialects.forUrl(endpoint.url());
        Connection connection = Connections.open(endpoint, "control store");
        try {
            if (!StoreSchema.isCurrent(connection, dialect, schema)) {
                StoreSchema.requireCreatable(connection, dialect, endpoint, schema);
                StoreSchema.migrate(dialect, endpoint, schema);
            }
            return new ControlStore(endpoint, dialect, schema, connection);
        } catch (SQLException e) {
            closeQuietly(connection);
            throw failure(endpoint, e);
        } catch (RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    /** The migration named {@code name}, registering it with {@code planJson} if it is new. */
    public synchronized MigrationRecord register(String name, String planJson) {
        Objects.requireNonNull(name, "name");
        String plan = Json.requireValid(planJson, "the plan");
        return work(Isolation.AUTOCOMMIT, () -> migrations.register(name, plan));
    }

    public synchronized Optional<MigrationRecord> find(String name) {
        return work(Isolation.AUTOCOMMIT, () -> migrations.find(name));
    }

    /** The migration named {@code name}, or a {@link SafeshiftException.Kind#STATE} failure saying how to start it. */
    public synchronized MigrationRecord require(String name) {
        return find(name).orElseThrow(() -> notFound(name));
    }

    /** The plan the migration was registered with, as JSON text. */
    public synchronized Optional<String> planJson(long migrationId) {
        return work(Isolation.AUTOCOMMIT, () -> migrations.planJson(migrationId));
    }

    /**
     * Registers another plan for a migration that has not started anything (no capture, no chunk),
     * on its timeline; once a migration started, its plan cannot change.
     */
    public synchronized void replacePlan(long migrationId, String planJson, String actor) {
        String plan = Json.requireValid(planJson, "the plan");
        work(Isolation.TRANSACTION, () -> {
            migrations.lock(migrationId);
            if (streams.find(migrationId, Direction.FORWARD).isPresent() || !chunks.list(migrationId).isEmpty()) {
                throw new SafeshiftException(SafeshiftException.Kind.STATE,
                        "migration " + migrationId + " has started; its plan cannot be replaced");
            }
            migrations.replacePlan(migrationId, plan);
            return timeline.append(migrationId, "plan-replaced", actor, "{}");
        });
    }

    public synchronized void setPhase(long migrationId, Phase phase, String detail) {
        setPhase(migrationId, phase, detail, SYSTEM_ACTOR);
    }

    /**
     * Moves the migration to {@code phase}, keeps the change in its history and on the timeline. A
     * move {@link PhaseTransitions} does not allow is refused: it goes on the timeline as a
     * {@code phase-refused} event, and the caller gets a {@link SafeshiftException.Kind#STATE} error.
     */
    public synchronized void setPhase(long migrationId, Phase phase, String detail, String actor) {
        Phase refusedFrom = work(Isolation.TRANSACTION, () -> {
            Phase from = migrations.lock(migrationId);
            var event = Json.object().put("from", from.name()).put("to", phase.name()).put("detail", detail);
            if (!PhaseTransitions.allowed(from, phase)) {
                timeline.append(migrationId, "phase-refused", actor, Json.text(event));
                return from;
            }
            migrations.changePhase(migrationId, from, phase, detail);
            timeline.append(migrationId, "phase", actor, Json.text(event));
            return null;
        });
        if (refusedFrom != null) {
            LOG.error("refused to move migration {} from {} to {} ({})", migrationId, refusedFrom, phase, detail);
            throw new SafeshiftException(SafeshiftException.Kind.STATE, "migration " + migrationId + " is " + refusedFrom
                    + " and cannot become " + phase + " (from " + refusedFrom + " it can become "
                    + PhaseTransitions.next(refusedFrom) + "); this is a defect, please report it with the timeline");
        }
    }

    /** Stores the chunk plan; tables with a finished chunk keep the plan already stored. */
    public synchronized void saveChunks(long migrationId, List<ChunkRecord> plan) {
        List<ChunkRecord> copy = List.copyOf(plan);
        work(Isolation.TRANSACTION, () -> {
            migrations.lock(migrationId);
            chunks.save(migrationId, copy);
            return null;
        });
    }

    public synchronized List<ChunkRecord> chunks(long migrationId) {
        return work(Isolation.AUTOCOMMIT, () -> chunks.list(migrationId));
    }

    public synchronized void markChunkStarted(long migrationId, String table, int chunkNo) {
        work(Isolation.AUTOCOMMIT, () -> requireChunk(chunks.markStarted(migrationId, table, chunkNo), table, chunkNo));
    }

    /** The checkpoint of a copied chunk: a restart skips it. */
    public synchronized void markChunkDone(long migrationId, String table, int chunkNo, long rows) {
        work(Isolation.AUTOCOMMIT, () -> requireChunk(chunks.markDone(migrationId, table, chunkNo, rows), table, chunkNo));
    }

    /**
     * Records the replication slot and publication the migration is about to create for its forward
     * stream, and the source server they will live on, before they exist. Only what is recorded here
     * is ever dropped or read.
     */
    public synchronized void recordCapture(long migrationId, String slot, String publication,
                                           Optional<String> sourceSystemId, Optional<String> sourceDatabase) {
        recordCapture(migrationId, Direction.FORWARD, slot, publication, sourceSystemId, sourceDatabase);
    }

    /** {@link #recordCapture(long, String, String, Optional, Optional)} for the stream in {@code direction}. */
    public synchronized void recordCapture(long migrationId, Direction direction, String slot, String publication,
                                           Optional<String> serverSystemId, Optional<String> serverDatabase) {
        work(Isolation.AUTOCOMMIT, () -> {
            streams.recordCapture(migrationId, direction, slot, publication, serverSystemId, serverDatabase);
            return null;
        });
    }

    /** The recorded capture of the forward stream now exists; its stream starts at {@code startPosition}. */
    public synchronized void captureStarted(long migrationId, String startPosition) {
        captureStarted(migrationId, Direction.FORWARD, startPosition);
    }

    /** The recorded capture of the stream in {@code direction} now exists; it starts at {@code startPosition}. */
    public synchronized void captureStarted(long migrationId, Direction direction, String startPosition) {
        work(Isolation.AUTOCOMMIT, () -> {
            if (!streams.started(migrationId, direction, startPosition)) {
                throw new SafeshiftException(SafeshiftException.Kind.STATE, "migration " + migrationId + " has no "
                        + direction.stored() + " capture recorded in the control store");
            }
            return null;
        });
    }

    /** Records a capture that already exists, with its start: {@link #recordCapture} then {@link #captureStarted}. */
    public synchronized void saveStream(long migrationId, String slot, String publication, String startPosition) {
        recordCapture(migrationId, slot, publication, Optional.empty(), Optional.empty());
        captureStarted(migrationId, startPosition);
    }

    /** The forward stream's capture and progress; the methods without a direction are about that stream. */
    public synchronized Optional<StreamState> stream(long migrationId) {
        return stream(migrationId, Direction.FORWARD);
    }

    /** The capture and progress of the migration's stream in {@code direction}, if it has one. */
    public synchronized Optional<StreamState> stream(long migrationId, Direction direction) {
        return work(Isolation.AUTOCOMMIT, () -> streams.find(migrationId, direction));
    }

    public synchronized void reportStream(long migrationId, String appliedPosition, long lagBytes, long lagMillis,
            long eventsApplied) {
        reportStream(migrationId, appliedPosition, lagBytes, lagMillis, eventsApplied, OptionalLong.empty());
    }

    /** The stream's progress, with the write-ahead log the source keeps for the slot when it was measured. */
    public synchronized void reportStream(long migrationId, String appliedPosition, long lagBytes, long lagMillis,
            long eventsApplied, OptionalLong retainedWalBytes) {
        reportStream(migrationId, Direction.FORWARD, appliedPosition, lagBytes, lagMillis, eventsApplied, retainedWalBytes);
    }

    /** The progress of the stream in {@code direction}. */
    public synchronized void reportStream(long migrationId, Direction direction, String appliedPosition, long lagBytes,
            long lagMillis, long eventsApplied, OptionalLong retainedWalBytes) {
        work(Isolation.AUTOCOMMIT, () -> {
            if (!streams.report(migrationId, direction, appliedPosition, lagBytes, lagMillis, eventsApplied, retainedWalBytes)) {
                throw new SafeshiftException(SafeshiftException.Kind.STATE,
                        "migration " + migrationId + " has no change stream in the control store to report on");
            }
            return null;
        });
    }

    /** The write-ahead log the source keeps for the migration's slot, measured while nothing is applied yet. */
    public synchronized void reportRetainedWal(long migrationId, long retainedWalBytes) {
        work(Isolation.AUTOCOMMIT, () -> {
            streams.reportRetainedWal(migrationId, Direction.FORWARD, retainedWalBytes);
            return null;
        });
    }

    /** A running daemon's sign of life, renewed every few seconds; {@code daemon} names it ({@code pid@host}). */
    public synchronized void heartbeat(long migrationId, String daemon) {
        work(Isolation.AUTOCOMMIT, () -> {
            migrations.heartbeat(migrationId, daemon);
            return null;
        });
    }

    /** The daemon is ending by itself (stopped or failed). */
    public synchronized void daemonEnded(long migrationId) {
        work(Isolation.AUTOCOMMIT, () -> {
            migrations.daemonEnded(migrationId);
            return null;
        });
    }

    /** Writes a request for the daemon; returns its id. */
    public synchronized long request(long migrationId, String kind, String requestedBy, String payloadJson) {
        String payload = Json.requireValid(payloadJson, "the request payload");
        return work(Isolation.AUTOCOMMIT, () -> requests.insert(migrationId, kind, requestedBy, payload));
    }

    public synchronized List<Request> pendingRequests(long migrationId) {
        return work(Isolation.AUTOCOMMIT, () -> requests.pending(migrationId));
    }

    /** How the daemon handled request {@code requestId}; empty while it has not yet. */
    public synchronized Optional<String> requestOutcome(long requestId) {
        return work(Isolation.AUTOCOMMIT, () -> requests.outcome(requestId));
    }

    /** Records how a request was handled. Completing it again keeps the first outcome. */
    public synchronized void completeRequest(long requestId, String outcome) {
        work(Isolation.AUTOCOMMIT, () -> {
            if (requests.complete(requestId, outcome) == RequestTable.Completion.UNKNOWN) {
                throw new SafeshiftException(SafeshiftException.Kind.STATE,
                        "no request with id " + requestId + " in the control store");
            }
            return null;
        });
    }

    /**
     * Stores a finished verification and appends a {@code verification} event with its totals to the
     * timeline, in one transaction. The stored report keeps at most
     * {@link #STORED_DIFFERENCES_PER_TABLE} row differences per table; the timeline keeps no row data.
     */
    public synchronized VerificationSummary recordVerification(long migrationId, VerificationReport report, String actor) {
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(actor, "actor");
        return work(Isolation.TRANSACTION, () -> {
            migrations.lock(migrationId);
            VerificationSummary summary = verifications.insert(migrationId, report);
            timeline.append(migrationId, "verification", actor, VerificationTable.timelineDetail(summary));
            return summary;
        });
    }

    /** The verification that finished last, if any was recorded. */
    public synchronized Optional<VerificationSummary> lastVerification(long migrationId) {
        return work(Isolation.AUTOCOMMIT, () -> verifications.latest(migrationId));
    }

    /** The latest {@code limit} verifications, newest first. */
    public synchronized List<VerificationSummary> recentVerifications(long migrationId, int limit) {
        return work(Isolation.AUTOCOMMIT, () -> verifications.recent(migrationId, limit));
    }

    /** Where the migration's traffic goes; empty until a route was first set (routers then use the source). */
    public synchronized Optional<RouteState> route(long migrationId) {
        return work(Isolation.AUTOCOMMIT, () -> routes.find(migrationId));
    }

    /**
     * Sets where the migration's traffic goes ({@link Route#SOURCE} or {@link Route#TARGET}), for
     * every router to follow, and puts the change on the timeline with its epoch (the count of
     * changes, which routers acknowledge).
     */
    public synchronized RouteState setRoute(long migrationId, Route route, String actor) {
        if (route == Route.PAUSED) {
            throw new IllegalArgumentException("a pause is set with pauseRoute, which says how long it may last");
        }
        return changeRoute(migrationId, route, Optional.empty(), Optional.empty(), actor);
    }

    /**
     * Holds new transactions of every router for at most {@code lease}; past it, routers send them
     * to {@code resumeTo} again, so a daemon that dies during a switch never leaves the application
     * held. A switch that finishes in time sets the next route itself.
     */
    public synchronized RouteState pauseRoute(long migrationId, Route resumeTo, Duration lease, String actor) {
        if (resumeTo == Route.PAUSED || lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("a pause resumes to SOURCE or TARGET after a positive lease");
        }
        return changeRoute(migrationId, Route.PAUSED, Optional.of(resumeTo), Optional.of(lease), actor);
    }

    private RouteState changeRoute(long migrationId, Route route, Optional<Route> resumeTo, Optional<Duration> lease,
                                   String actor) {
        Objects.requireNonNull(actor, "actor");
        return work(Isolation.TRANSACTION, () -> {
            migrations.lock(migrationId);
            RouteState state = routes.set(migrationId, route, resumeTo, lease, actor);
            ObjectNode detail = Json.object().put("route", route.name()).put("epoch", state.epoch());
            resumeTo.ifPresent(to -> detail.put("resumeTo", to.name()));
            lease.ifPresent(duration -> detail.put("leaseMillis", duration.toMillis()));
            timeline.append(migrationId, "route", actor, Json.text(detail));
            return state;
        });
    }

    /**
     * Deletes the routers' query-pattern samples older than {@code keep}: one row per pattern and
     * second from every application process would otherwise grow without end.
     */
    public synchronized int pruneRouterSamples(long migrationId, Duration keep) {
        return work(Isolation.AUTOCOMMIT, () -> routes.pruneSamples(migrationId, keep));
    }

    /** Stores what a trigger measured on the source before a switch. */
    public synchronized void recordBaseline(long migrationId, TriggerRecord baseline) {
        work(Isolation.AUTOCOMMIT, () -> {
            triggers.insertBaseline(migrationId, baseline);
            return null;
        });
    }

    /** The latest baseline of each trigger of the migration. */
    public synchronized List<TriggerRecord> baselines(long migrationId) {
        return work(Isolation.AUTOCOMMIT, () -> triggers.latestBaselines(migrationId));
    }

    /** Stores one evaluation of a trigger; every one is kept. */
    public synchronized void recordEvaluation(long migrationId, TriggerRecord evaluation) {
        work(Isolation.AUTOCOMMIT, () -> {
            triggers.insertEvaluation(migrationId, evaluation);
            return null;
        });
    }

    /** Every stored evaluation of the migration's triggers, oldest first. */
    public synchronized List<TriggerRecord> evaluations(long migrationId) {
        return work(Isolation.AUTOCOMMIT, () -> triggers.evaluations(migrationId));
    }

    /** What each router of the migration last reported, with how long ago by the store's clock. */
    public synchronized List<RouterReport> routers(long migrationId) {
        return work(Isolation.AUTOCOMMIT, () -> routes.routers(migrationId));
    }

    /** Appends an event to the migration's timeline. {@code detailJson} must be JSON. */
    public synchronized TimelineEvent append(long migrationId, String kind, String actor, String detailJson) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(actor, "actor");
        String detail = Json.requireValid(detailJson, "the event detail");
        return work(Isolation.TRANSACTION, () -> {
            migrations.lock(migrationId);
            return timeline.append(migrationId, kind, actor, detail);
        });
    }

    public synchronized List<TimelineEvent> timeline(long migrationId) {
        return work(Isolation.AUTOCOMMIT, () -> timeline.all(migrationId));
    }

    /** Re-computes the hash chain: reports the first event that was altered, removed or inserted. */
    public synchronized ChainCheck verifyTimeline(long migrationId) {
        return work(Isolation.SNAPSHOT, () -> timeline.verify(migrationId));
    }

    /** Deletes every row of the migration, timeline included (for {@code safeshift abort}). */
    public synchronized void purge(long migrationId) {
        work(Isolation.TRANSACTION, () -> {
            migrations.lock(migrationId);
            migrations.purge(migrationId);
            return null;
        });
    }

    /** Everything a status view shows, read in one snapshot so the numbers agree with each other. */
    public synchronized StatusReport status(String name) {
        return work(Isolation.SNAPSHOT, () -> {
            MigrationRecord migration = migrations.find(name).orElseThrow(() -> notFound(name));
            long id = migration.id();
            Optional<VerifySchedule> schedule = migrations.planJson(id).flatMap(PlanJson::verifySchedule);
            return new StatusReport(migration, migration.phase(), TableProgress.of(chunks.list(id)), streams.find(id, Direction.FORWARD),
                    verifications.latest(id), schedule, requests.pending(id),
                    timeline.recent(id, StatusReport.RECENT_EVENTS), timeline.verify(id), timeline.databaseNow(),
                    Optional.empty(), new StatusReport.Traffic(routes.find(id), routes.routers(id),
                    streams.find(id, Direction.REVERSE), CutoverHold.of(timeline.all(id))));
        });
    }

    @Override
    public synchronized void close() {
        closeQuietly(connection);
    }

    private SafeshiftException notFound(String name) {
        return new SafeshiftException(SafeshiftException.Kind.STATE, "no migration named " + name
                + " in the control store at " + endpoint.redactedUrl() + "; start it with `safeshift run plan.yaml`");
    }

    private static Void requireChunk(boolean found, String table, int chunkNo) {
        if (!found) {
            throw new SafeshiftException(SafeshiftException.Kind.STATE,
                    "chunk " + chunkNo + " of " + table + " is not in the control store's chunk plan");
        }
        return null;
    }

    private enum Isolation { AUTOCOMMIT, TRANSACTION, SNAPSHOT }

    @FunctionalInterface
    private interface Work<T> {
        T run() throws SQLException;
    }

    private <T> T work(Isolation isolation, Work<T> work) {
        try {
            reopenIfLost();
            if (isolation == Isolation.AUTOCOMMIT) {
                return work.run();
            }
            connection.setAutoCommit(false);
            try {
                if (isolation == Isolation.SNAPSHOT) {
                    // for this transaction only: every read sees the same committed state
                    try (Statement statement = connection.createStatement()) {
                        statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                    }
                }
                T result = work.run();
                connection.commit();
                return result;
            } catch (Throwable e) {
                // before autocommit is switched back on, which would commit the partial work
                rollbackQuietly();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            if (ConnectionLoss.isLoss(e)) {
                lost = true;
            }
            throw failure(endpoint, e);
        }
    }

    /**
     * Opens a new connection when the current one is gone. Nothing is retried here: the call that
     * noticed the loss failed, and the next one runs on the new connection.
     */
    private void reopenIfLost() throws SQLException {
        if (!lost && !connection.isClosed()) {
            return;
        }
        closeQuietly(connection);
        lost = false;
        try {
            use(Connections.open(endpoint, "control store"));
        } catch (SafeshiftException e) {
            throw new SQLException("the connection to the control store was lost and could not be opened again: "
                    + e.getMessage(), "08006", e);
        }
    }

    private static SafeshiftException failure(Endpoint endpoint, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (ConnectionLoss.isLoss(e)) {
            return new SafeshiftException(SafeshiftException.Kind.UNREACHABLE, "lost the connection to the control store at "
                    + endpoint.redactedUrl() + ". Check that the database is running, then run the command again.", e);
        }
        if (state.equals("23503")) {
            // a row refers to a migration that is not there: it was never registered, or was aborted
            return new SafeshiftException(SafeshiftException.Kind.STATE, "the migration is no longer in the control store at "
                    + endpoint.redactedUrl() + " (was it aborted?)", e);
        }
        return new SafeshiftException(SafeshiftException.Kind.INTERNAL, "the control store at " + endpoint.redactedUrl()
                + " refused an operation: " + firstLine(e.getMessage()) + (state.isEmpty() ? "" : " (SQLState " + state + ")"), e);
    }

    private void rollbackQuietly() {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the original failure is the one worth reporting
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // nothing useful can be done about a failing close
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
