package dev.safeshift.postgres;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.CaptureStart;
import dev.safeshift.engine.Snapshot;
import dev.safeshift.engine.ChunkMark;
import dev.safeshift.engine.SourceIdentity;
import dev.safeshift.engine.ChangeStream;
import dev.safeshift.engine.Engine;
import dev.safeshift.engine.FenceSettings;
import dev.safeshift.engine.ForeignKeyStatus;
import dev.safeshift.engine.KeyRange;
import dev.safeshift.engine.Lag;
import dev.safeshift.engine.SchemaChange;
import dev.safeshift.engine.StreamProgress;
import dev.safeshift.engine.TableComparer;
import dev.safeshift.engine.TableInfo;
import dev.safeshift.engine.TableMove;
import dev.safeshift.engine.WriteFence;
import dev.safeshift.jdbc.Connections;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.plan.TableSpec;
import dev.safeshift.postgres.stream.AppliedPositionTable;
import dev.safeshift.postgres.stream.PostgresChangeStream;
import dev.safeshift.postgres.stream.SourceLogMarks;
import dev.safeshift.postgres.stream.StreamableNames;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongConsumer;

/** PostgreSQL to PostgreSQL: binary COPY for the backfill, pgoutput through Debezium for changes. */
final class PostgresEngine implements Engine {

    /** After this long without applying anything, a stream counts as idle, not behind. */
    private static final Duration IDLE_AFTER = Duration.ofSeconds(5);

    private final Endpoint source;
    private final Endpoint target;

    PostgresEngine(Endpoint source, Endpoint target) {
        this.source = source;
        this.target = target;
    }

    @Override
    public void preflight() {
        try (Connection from = Connections.open(source, "source")) {
            Preflight.checkSource(from);
        } catch (SQLException e) {
            throw failure("checking the source database", e);
        }
        try (Connection ignored = Connections.open(target, "target")) {
            // reachable; what the target must hold is checked per table
        } catch (SQLException e) {
            throw failure("checking the target database", e);
        }
    }

    @Override
    public SourceIdentity identifySource() {
        try {
            return Capture.identify(source);
        } catch (SQLException e) {
            throw failure("identifying the source server", e);
        }
    }

    @Override
    public void refuseSelfMoves(List<TableMove> moves) {
        try (Connection from = Connections.open(source, "source"); Connection to = Connections.open(target, "target")) {
            SelfMoves.refuse(from, to, moves);
        } catch (SQLException e) {
            throw failure("comparing the source and target databases", e);
        }
    }

    @Override
    public TableInfo describeSource(TableSpec spec) {
        try (Connection from = Connections.open(source, "source")) {
            TableInfo described = PostgresCatalog.describeSource(from, spec);
            StreamableNames.refuseUnstreamable(from, spec.source());
            return described;
        } catch (SQLException e) {
            throw failure("reading the definition of " + spec.source(), e);
        }
    }

    @Override
    public long prepareTarget(TableMove move, boolean freshStart, boolean replaceExistingRows) {
        try (Connection to = Connections.open(target, "target")) {
            CopiedChunks.ensureExists(to);
            PendingKeys.ensureExists(to);
            if (SourceDefinition.of(move.source()).map(SourceDefinition::usesMoney).orElse(false)) {
                try (Connection from = Connections.open(source, "source")) {
                    MoneyFormat.checkSame(from, to, move);
                }
            }
            return TargetTables.prepare(to, move, freshStart, replaceExistingRows);
        } catch (SQLException e) {
            throw failure("creating the target table " + move.target(), e);
        }
    }

    @Override
    public Optional<SchemaChange> compareWithTarget(TableMove move) {
        try (Connection from = Connections.open(source, "source"); Connection to = Connections.open(target, "target")) {
            if (!PostgresCatalog.exists(to, move.target())) {
                return Optional.empty(); // prepareTarget creates it
            }
            TableInfo there = PostgresCatalog.describeAll(to, move.target(), "target");
            return SchemaChanges.forTarget(move, there, SchemaChanges.read(from, move.source().name()));
        } catch (SQLException e) {
            throw failure("comparing the columns of " + move.source().name() + " with the target's", e);
        }
    }

    @Override
    public void applySchemaChange(SchemaChange change) {
        try (Connection to = Connections.open(target, "target")) {
            SchemaChanges.apply(to, change);
        } catch (SQLException e) {
            throw failure("adding columns to the target table " + change.move().target(), e);
        }
    }

    @Override
    public void finishTarget(TableMove move, int parallelism) {
        try {
            TargetIndexes.build(target, move, parallelism);
            try (Connection to = Connections.open(target, "target")) {
                TargetTables.finish(to, move);
            }
        } catch (SQLException e) {
            throw failure("creating indexes and constraints on " + move.target(), e);
        }
    }

    @Override
    public ForeignKeyStatus addForeignKeys(List<TableMove> moves) {
        try (Connection to = Connections.open(target, "target")) {
            return TargetForeignKeys.add(to, moves);
        } catch (SQLException e) {
            throw failure("creating foreign keys on the target", e);
        }
    }

    @Override
    public void syncSequences(List<TableMove> moves) {
        try (Connection from = Connections.open(source, "source"); Connection to = Connections.open(target, "target")) {
            SequenceSync.sync(from, to, moves);
        } catch (SQLException e) {
            throw failure("bringing the target's sequences up to the source's values", e);
        }
    }

    @Override
    public CaptureStart startCapture(String captureName, List<TableMove> moves) {
        try {
            return Capture.start(source, captureName, moves);
        } catch (SQLException e) {
            throw failure("creating the replication slot " + captureName, e);
        }
    }

    @Override
    public boolean captureExists(String captureName) {
        try (Connection from = Connections.open(source, "source")) {
            return Capture.exists(from, captureName);
        } catch (SQLException e) {
            throw failure("looking for the replication slot " + captureName, e);
        }
    }

    @Override
    public void dropCapture(String captureName) {
        try (Connection from = Connections.open(source, "source")) {
            Capture.drop(from, captureName);
        } catch (SQLException e) {
            throw failure("dropping the replication slot " + captureName, e);
        }
    }

    @Override
    public void forgetTarget(String captureName) {
        try (Connection to = Connections.open(target, "target")) {
            AppliedPositionTable.forget(to, captureName);
            CopiedChunks.forget(to, captureName);
        } catch (SQLException e) {
            throw failure("removing the state of " + captureName + " from the target", e);
        }
    }

    @Override
    public OptionalLong retainedLog(String captureName) {
        try (Connection from = Connections.open(source, "source")) {
            return Capture.retainedLog(from, captureName);
        } catch (SQLException e) {
            throw failure("measuring the write-ahead log kept for " + captureName, e);
        }
    }

    @Override
    public CaptureStart freshSnapshot() {
        try {
            return Capture.freshSnapshot(source);
        } catch (SQLException e) {
            throw failure("opening a snapshot of the source", e);
        }
    }

    @Override
    public List<KeyRange> planChunks(TableMove move, Snapshot snapshot, long rowsPerChunk) {
        String snapshotId = ExportedSnapshot.idOf(snapshot);
        try (Connection from = Connections.open(source, "source")) {
            from.setAutoCommit(false);
            from.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try (Statement statement = from.createStatement()) {
                statement.execute("SET TRANSACTION SNAPSHOT " + Sql.literal(snapshotId));
            }
            List<KeyRange> ranges = ChunkPlanner.plan(from, move.source(), rowsPerChunk);
            from.commit();
            return ranges;
        } catch (SQLException e) {
            throw failure("planning chunks of " + move.source().name(), e);
        }
    }

    @Override
    public long copyChunk(TableMove move, KeyRange range, Snapshot snapshot, ChunkMark mark, LongConsumer rowsCopied) {
        String snapshotId = ExportedSnapshot.idOf(snapshot);
        try {
            return ChunkCopier.copy(source, target, move, range, snapshotId, mark, rowsCopied);
        } catch (SQLException e) {
            throw failure("copying a chunk of " + move.source().name(), e);
        }
    }

    @Override
    public Map<String, Map<Integer, Long>> copiedChunks(String captureName) {
        try (Connection to = Connections.open(target, "target")) {
            return CopiedChunks.list(to, captureName);
        } catch (SQLException e) {
            throw failure("reading which chunks the target holds", e);
        }
    }

    @Override
    public ChangeStream openStream(String captureName, List<TableMove> moves) {
        return new PostgresChangeStream(source, target, captureName, moves);
    }

    @Override
    public Lag lag(String captureName, StreamProgress progress) {
        // The target is behind by the log the source has not yet sent to the stream, and by what was
        // sent but not applied (bounded by the stream's queue). PostgreSQL 15+ sends nothing for
        // transactions on other tables, so the sender's position, not only the applied one, says
        // how far the stream has really read.
        String sql = """
                SELECT pg_wal_lsn_diff(pg_current_wal_lsn(),
                           greatest(?::pg_lsn, s.confirmed_flush_lsn, r.sent_lsn))::bigint
                  FROM pg_replication_slots s
                  LEFT JOIN pg_stat_replication r ON r.pid = s.active_pid
                 WHERE s.slot_name = ?""";
        try (Connection from = Connections.open(source, "source");
             PreparedStatement statement = from.prepareStatement(sql)) {
            statement.setString(1, progress.appliedPosition().orElse(null));
            statement.setString(2, captureName);
            try (ResultSet rows = statement.executeQuery()) {
                long bytes = rows.next() ? Math.max(0, rows.getLong(1)) : 0;
                return new Lag(bytes, secondsBehind(progress));
            }
        } catch (SQLException e) {
            throw failure("measuring replication lag", e);
        }
    }

    @Override
    public WriteFence fenceWrites(List<TableMove> moves, FenceSettings settings) throws InterruptedException {
        return SourceFence.take(source, moves.stream().map(move -> move.source().name()).toList(), settings);
    }

    @Override
    public List<String> cutoverProblems(List<TableMove> moves) {
        try (Connection from = Connections.open(source, "source")) {
            return SourceClosure.problems(from, sourceTables(moves));
        } catch (SQLException e) {
            throw failure("checking the privileges a cutover needs on the source", e);
        }
    }

    @Override
    public int closedSourceTables(List<TableMove> moves) {
        try (Connection from = Connections.open(source, "source")) {
            return SourceClosure.closedCount(from, sourceTables(moves));
        } catch (SQLException e) {
            throw failure("reading whether the source tables refuse writes", e);
        }
    }

    @Override
    public void reopenSource(List<TableMove> moves) {
        try (Connection from = Connections.open(source, "source")) {
            from.setAutoCommit(false);
            SourceClosure.reopen(from, sourceTables(moves));
            from.commit();
        } catch (SQLException e) {
            throw failure("letting the source tables take writes again", e);
        }
    }

    @Override
    public String currentLogPosition() {
        try (Connection from = Connections.open(source, "source"); Statement statement = from.createStatement();
             ResultSet rows = statement.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            rows.next();
            return rows.getString(1);
        } catch (SQLException e) {
            throw failure("reading the source's log position", e);
        }
    }

    @Override
    public void advanceCapture(String captureName, String position) {
        try (Connection from = Connections.open(source, "source");
             PreparedStatement advance = from.prepareStatement("SELECT pg_replication_slot_advance(slot_name, ?::pg_lsn)"
                     + " FROM pg_replication_slots WHERE slot_name = ? AND confirmed_flush_lsn < ?::pg_lsn")) {
            advance.setString(1, position);
            advance.setString(2, captureName);
            advance.setString(3, position);
            advance.executeQuery().close();
        } catch (SQLException e) {
            throw failure("moving the start of replication slot " + captureName + " to " + position, e);
        }
    }

    @Override
    public void prepareApply() {
        try (Connection to = Connections.open(target, "target")) {
            AppliedPositionTable.ensureExists(to);
        } catch (SQLException e) {
            throw failure("creating the table that records how far a change stream has applied", e);
        }
    }

    private static List<QualifiedName> sourceTables(List<TableMove> moves) {
        return moves.stream().map(move -> move.source().name()).toList();
    }

    @Override
    public String markSourceLog(String captureName) {
        try (Connection from = Connections.open(source, "source")) {
            return SourceLogMarks.write(from, captureName);
        } catch (SQLException e) {
            throw failure("writing a mark into the source's log", e);
        }
    }

    /** How often a wait for the stream looks at the target's applied position: a cheap primary-key read. */
    private static final long APPLIED_POLL_MILLIS = 2;

    @Override
    public boolean hasApplied(String captureName, String position) {
        try (Connection to = Connections.open(target, "target")) {
            return SourceLogMarks.applied(to, captureName, position);
        } catch (SQLException e) {
            throw failure("reading how far the change stream has applied", e);
        }
    }

    @Override
    public boolean awaitApplied(String captureName, String position, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Connection to = Connections.open(target, "target")) {
            while (!SourceLogMarks.applied(to, captureName, position)) {
                if (System.nanoTime() - deadline >= 0) {
                    return false;
                }
                Thread.sleep(APPLIED_POLL_MILLIS);
            }
            return true;
        } catch (SQLException e) {
            throw failure("reading how far the change stream has applied", e);
        }
    }

    /**
     * How old the changes being applied now are: the delay of the last applied change, while
     * changes keep arriving. A stream that has applied nothing for a while is idle, not behind
     * (a stalled stream fails and says so instead).
     */
    private static long secondsBehind(StreamProgress progress) {
        boolean recentlyApplied = progress.lastAppliedAt()
                .map(at -> at.isAfter(Instant.now().minus(IDLE_AFTER)))
                .orElse(false);
        return recentlyApplied ? progress.lastApplyDelayMillis() : 0;
    }

    @Override
    public TableComparer openComparer(int parallelism) {
        return new PostgresComparer(source, target, parallelism);
    }

    @Override
    public void close() {
        // connections are opened per operation; nothing is held between calls
    }

    /** The failure to report; its message and cause carry no row values (see {@link SqlErrors}). */
    private static SafeshiftException failure(String doing, SQLException e) {
        return new SafeshiftException(SafeshiftException.Kind.INTERNAL,
                "PostgreSQL failed while " + doing + ": " + SqlErrors.describe(e), SqlErrors.redact(e));
    }
}
