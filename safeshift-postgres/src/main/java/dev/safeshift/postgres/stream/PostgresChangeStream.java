package dev.safeshift.postgres.stream;

import dev.safeshift.engine.ChangeStream;
import dev.safeshift.engine.SchemaChangedException;
import dev.safeshift.engine.StreamProgress;
import dev.safeshift.engine.TableMove;
import dev.safeshift.jdbc.Connections;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.postgres.ReplicaRole;
import dev.safeshift.postgres.SchemaChanges;
import dev.safeshift.postgres.SqlErrors;
import dev.safeshift.postgres.stream.AppliedPositionTable.AppliedPosition;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.postgresql.replication.LogSequenceNumber;

/**
 * The PostgreSQL change stream: Debezium's embedded engine reads the capture's replication slot
 * (publication and slot of the same name, created by the engine before the backfill) and
 * {@link BatchApplier} applies the changes to the target, committing each batch with its position
 * in {@code safeshift.applied_position}.
 */
public final class PostgresChangeStream implements ChangeStream {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresChangeStream.class);
    /** How long a slot still held by a stream that is going away may take to be released. */
    private static final Duration SLOT_RELEASE_WAIT = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final Endpoint source;
    private final Endpoint target;
    private final String captureName;
    private final List<TableMove> moves;
    private final DebeziumConfig config;

    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean closing;
    private volatile boolean attached;
    private volatile Throwable failure;
    private volatile BatchApplier applier;
    private DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private Thread runner;

    public PostgresChangeStream(Endpoint source, Endpoint target, String captureName, List<TableMove> moves) {
        if (moves.isEmpty()) {
            throw new IllegalArgumentException("a change stream needs at least one table");
        }
        this.source = source;
        this.target = target;
        this.captureName = captureName;
        this.moves = List.copyOf(moves);
        this.config = new DebeziumConfig(source, captureName, this.moves);
    }

    @Override
    public void start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("change stream " + captureName + " was already started");
        }
        runner = new Thread(this::run, "safeshift-stream-" + captureName);
        runner.setDaemon(true);
        runner.start();
    }

    private void run() {
        Connection targetConnection = null;
        try {
            try (Connection sourceConnection = connect(source, false)) {
                CaptureCheck.verify(sourceConnection, source, captureName, moves, SLOT_RELEASE_WAIT, () -> closing);
            }
            targetConnection = connect(target, true);
            ReplicaRole.apply(targetConnection);
            AppliedPositionTable.ensureExists(targetConnection);
            Optional<AppliedPosition> resumeFrom = AppliedPositionTable.read(targetConnection, captureName);
            targetConnection.setAutoCommit(false);
            RecordReader reader = new RecordReader(captureName, moves, new SchemaWatch(this::sourceColumns));
            BatchApplier batchApplier = new BatchApplier(captureName, targetConnection, reader, resumeFrom);
            applier = batchApplier;
            DebeziumEngine<RecordChangeEvent<SourceRecord>> created = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                    .using(config.build())
                    .using(new DebeziumEngine.ConnectorCallback() {
                        @Override
                        public void taskStarted() {
                            attached = true;
                        }
                    })
                    .using((success, message, error) -> {
                        if (!success && !closing) {
                            fail(error != null ? error : new IllegalStateException(message));
                        }
                    })
                    .notifying(batchApplier)
                    .build();
            synchronized (this) {
                if (closing) {
                    return;
                }
                engine = created;
            }
            LOG.info("Change stream {} attaching to the source slot{}", captureName,
                    resumeFrom.map(p -> ", target holds changes up to " + LogSequenceNumber.valueOf(p.commitLsn()).asString()).orElse(""));
            created.run();
        } catch (Throwable e) {
            if (!closing) {
                fail(e);
            }
        } finally {
            if (applier != null) {
                applier.closeStatements();
            }
            closeQuietly(targetConnection);
            finished.countDown();
        }
    }

    private void fail(Throwable error) {
        if (failure == null) {
            failure = StreamFailures.describe(error, captureName, source, target);
            if (failure instanceof SchemaChangedException) {
                LOG.info("Change stream {} stopped before a schema change: {}", captureName, failure.getMessage());
            } else {
                LOG.error("Change stream {} stopped: {}", captureName, failure.getMessage(), SqlErrors.redact(error));
            }
        }
    }

    /** The source table's columns as the catalog has them now, for {@link SchemaWatch}. */
    private List<SchemaChanges.SourceColumn> sourceColumns(QualifiedName table) {
        try (Connection connection = connect(source, false)) {
            return SchemaChanges.read(connection, table);
        } catch (SQLException e) {
            throw new IllegalStateException("reading the columns of the source table " + table + " failed: "
                    + SqlErrors.describe(e), SqlErrors.redact(e));
        }
    }

    @Override
    public StreamProgress progress() {
        BatchApplier current = applier;
        return current == null
                ? StreamProgress.NONE
                : current.progress();
    }

    @Override
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public boolean isRunning() {
        return started.get() && finished.getCount() > 0 && failure == null;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        DebeziumEngine<RecordChangeEvent<SourceRecord>> running;
        synchronized (this) {
            closing = true;
            running = engine;
        }
        BatchApplier current = applier;
        if (current != null) {
            current.stop(); // lets the batch in hand commit, then takes no more
        }
        if (running != null) {
            stopEngine(running);
        }
        try {
            if (started.get() && !finished.await(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Change stream {} did not stop within {} s", captureName, STOP_TIMEOUT.toSeconds());
            }
            if (attached) {
                awaitSlotReleased();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Debezium refuses to stop while its task is starting; that phase is short, so wait it out. */
    private void stopEngine(DebeziumEngine<RecordChangeEvent<SourceRecord>> running) {
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        while (true) {
            try {
                running.close();
                return;
            } catch (IllegalStateException e) {
                if (finished.getCount() == 0 || System.nanoTime() > deadline) {
                    return;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            } catch (IOException e) {
                LOG.warn("Stopping the change stream {} failed: {}", captureName, e.getMessage());
                return;
            }
        }
    }

    /** The server ends the slot's walsender shortly after the connection closes; wait for that. */
    private void awaitSlotReleased() throws InterruptedException {
        long deadline = System.nanoTime() + SLOT_RELEASE_WAIT.toNanos();
        try (Connection connection = connect(source, false)) {
            while (true) {
                Optional<CaptureCheck.SlotState> slot = CaptureCheck.slot(connection, captureName);
                if (slot.isEmpty() || !slot.get().active()) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    LOG.warn("Replication slot {} is still active {} s after the change stream stopped",
                            captureName, SLOT_RELEASE_WAIT.toSeconds());
                    return;
                }
                Thread.sleep(100);
            }
        } catch (SQLException e) {
            LOG.debug("Could not check that replication slot {} was released", captureName, e);
        }
    }

    private static Connection connect(Endpoint endpoint, boolean forApply) {
        Properties properties = new Properties();
        properties.setProperty("ApplicationName", forApply ? "safeshift change apply" : "safeshift");
        if (forApply) {
            // consecutive upserts go to the server as multi-row INSERTs
            properties.setProperty("reWriteBatchedInserts", "true");
        }
        return Connections.open(endpoint, forApply ? "target" : "source", properties);
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close(); // rolls back a target transaction left open mid-way
            } catch (SQLException ignored) {
                // nothing left to do with it
            }
        }
    }
}
