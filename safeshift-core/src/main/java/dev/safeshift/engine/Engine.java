package dev.safeshift.engine;

import dev.safeshift.plan.TableSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.LongConsumer;

/**
 * Everything the daemon needs from one database product to move tables online. One instance
 * serves one plan (one source, one target). Methods throw {@link dev.safeshift.SafeshiftException}
 * with a message for the user when the databases are not in a state to proceed.
 */
public interface Engine extends AutoCloseable {

    /** Checks that both databases are reachable and the source can capture changes. */
    void preflight();

    /** The source server and database, to record with the capture and to check it against later. */
    SourceIdentity identifySource();

    /**
     * Refuses moves that would copy a table onto itself: the same table of the same database on the
     * same server as source and target, which would apply its own changes in a loop.
     */
    void refuseSelfMoves(List<TableMove> moves);

    /**
     * Describes a source table and checks that it can be moved without harm: it has a primary key,
     * every column's values can be carried exactly, and capturing its changes cannot make the
     * application's writes fail. Nothing is created.
     */
    TableInfo describeSource(TableSpec spec);

    /**
     * Creates the target table as the source defines it (with the types, sequences and checks it
     * needs, but without secondary indexes), or checks that an existing one matches. Everything is
     * checked before anything is created. On a fresh start ({@code freshStart}, no chunk copied
     * yet) an existing target table must be empty, unless {@code replaceExistingRows}: then its
     * rows are deleted first. Returns how many rows were deleted.
     */
    long prepareTarget(TableMove move, boolean freshStart, boolean replaceExistingRows);

    /**
     * How the source table's columns (as {@code move} describes them now) differ from the target
     * table's, for a migration that has started: a schema change made on the source while no daemon
     * was streaming, or during the backfill. Empty when they have the same columns and types.
     */
    java.util.Optional<SchemaChange> compareWithTarget(TableMove move);

    /** Adds the columns of an {@link SchemaChange#automatic() automatic} change to the target table. */
    void applySchemaChange(SchemaChange change);

    /**
     * Creates the primary key (when the table was created without it), secondary indexes and the
     * constraints built on them on the target once the backfill is done, up to {@code parallelism}
     * at once. Safe to call again after a crash at any point; the change stream must not apply
     * anything to the table before this returns.
     */
    void finishTarget(TableMove move, int parallelism);

    /**
     * Creates the source's foreign keys among the moved tables on the target and validates those the
     * source has validated; safe to call again, which validates what could not be validated before.
     * Foreign keys to tables outside {@code moves} are left out and named in the notes.
     */
    ForeignKeyStatus addForeignKeys(List<TableMove> moves);

    /**
     * Moves the target's sequences (identity columns and the sequences of serial-style columns)
     * forward to at least the source's values, which the change stream does not carry.
     */
    void syncSequences(List<TableMove> moves);

    /** Creates the capture (e.g. publication and replication slot) and holds its snapshot open. */
    CaptureStart startCapture(String captureName, List<TableMove> moves);

    /** Whether the capture created by {@link #startCapture} still exists on the source. */
    boolean captureExists(String captureName);

    /** Removes the capture from the source (abort). Missing parts are ignored. */
    void dropCapture(String captureName);

    /**
     * Removes what the capture left in the target besides the moved rows: its applied position
     * and its chunk marks (abort). Missing parts are ignored.
     */
    void forgetTarget(String captureName);

    /** Write-ahead log the source keeps for the capture's slot, in bytes; empty when there is no such slot. */
    OptionalLong retainedLog(String captureName);

    /**
     * Opens a snapshot of the source as of now, for resuming a backfill whose capture snapshot is
     * gone; its position is the source's log position of that moment.
     */
    CaptureStart freshSnapshot();

    /** Splits a table into key ranges of about {@code rowsPerChunk} rows, as seen in the snapshot. */
    List<KeyRange> planChunks(TableMove move, Snapshot snapshot, long rowsPerChunk);

    /**
     * Copies one key range from the snapshot into the target and returns the rows copied. The rows
     * and {@code mark} commit together in one target transaction, so a copy that was interrupted left
     * nothing behind, and one that committed is known by its mark. {@code rowsCopied} is told of
     * progress as it happens.
     */
    long copyChunk(TableMove move, KeyRange range, Snapshot snapshot, ChunkMark mark, LongConsumer rowsCopied);

    /** The chunks of a capture whose copy committed in the target: table key → chunk number → rows copied. */
    Map<String, Map<Integer, Long>> copiedChunks(String captureName);

    /** Opens (does not start) the change stream for the capture. */
    ChangeStream openStream(String captureName, List<TableMove> moves);

    /** Current distance between the source's log and {@code appliedPosition}. */
    Lag lag(String captureName, StreamProgress progress);

    /**
     * Opens read access to both databases for verification and row counts, with up to
     * {@code parallelism} connections to each. Connections open on first use; a database that
     * cannot compute the checksums fails with a message when they are first asked for.
     */
    TableComparer openComparer(int parallelism);

    /**
     * Writes a mark into the source's change log, ordered with the source's transactions, and
     * returns its log position. Once {@link #hasApplied} is true for that position, every change the
     * source committed before this call is in the target.
     */
    String markSourceLog(String captureName);

    /** Whether the capture's change stream has applied the target up to {@code position} (from {@link #markSourceLog}). */
    boolean hasApplied(String captureName, String position);

    /**
     * Waits until {@link #hasApplied} is true for {@code position}, at most {@code timeout}, looking
     * every few milliseconds over one connection; returns whether it became true. A cutover waits
     * this way while the application's writes are held, so every millisecond counts.
     */
    boolean awaitApplied(String captureName, String position, Duration timeout) throws InterruptedException;

    /**
     * Fences writes to the source tables of {@code moves}, by whoever makes them: waits for the
     * transactions writing to them to end, at most {@code settings.lockTimeout()} per attempt, and
     * tries again after a backoff up to {@code settings.attempts()} times. Once it returns, every
     * write to the tables has committed and no new one can start until the fence is lifted, so a
     * {@link #markSourceLog mark} written then comes after all of them. Fails with
     * {@link dev.safeshift.SafeshiftException.Kind#IN_USE}, naming the sessions that held the tables,
     * when no attempt succeeded; nothing is then held.
     */
    WriteFence fenceWrites(List<TableMove> moves, FenceSettings settings) throws InterruptedException;

    /**
     * What would stop a cutover from closing the source tables of {@code moves} to writes (for
     * example a missing privilege), as sentences for the user; empty when nothing would. Checked
     * before any write is held.
     */
    List<String> cutoverProblems(List<TableMove> moves);

    /**
     * How many of the source tables of {@code moves} refuse writes since a cutover closed them
     * ({@link WriteFence#liftRefusingWrites}); the database says, so a restarted daemon need not guess.
     */
    int closedSourceTables(List<TableMove> moves);

    /** The source's log position now, as {@link #markSourceLog} writes positions. */
    String currentLogPosition();

    /**
     * Moves the capture's start forward to {@code position}, so the stream skips every change the
     * source committed before it; a position the capture has passed already changes nothing. Used
     * to start a stream in the other direction after a switch without carrying back the writes that
     * came from the other side. The capture's stream must not be running.
     */
    void advanceCapture(String captureName, String position);

    /**
     * Creates what applying changes into the target needs besides the tables (the applied-position
     * table), so that a stream started later cannot fail on it: a switch checks it before it holds
     * any write.
     */
    void prepareApply();

    /** Lets the source tables of {@code moves} take writes again. Tables that were not closed are left alone. */
    void reopenSource(List<TableMove> moves);

    @Override
    void close();
}
