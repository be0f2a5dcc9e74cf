package dev.safeshift.engine;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleConsumer;

/**
 * Reads both databases of a migration for verification. Everything that touches row data is
 * computed inside the database (counts, hashes of normalized rows); only digests of suspect
 * ranges and the suspect rows themselves come back to the client. Safe for concurrent use by as
 * many threads as it was opened for.
 *
 * <p>Keys are the key columns' normalized text in key order. Ranges use one order of the key that
 * both sides share, so a chunk means the same rows on each side; every verdict about a row is
 * reached by looking its key up by equality.
 */
public interface TableComparer extends AutoCloseable {

    /**
     * How the target table's columns differ from the source's compared columns: empty when the
     * target has each of them with the same type and nothing more. Every other method compares
     * the columns of the move it is given, so a caller that found differences passes a move
     * restricted to the columns both sides have alike.
     */
    List<ColumnDifference> columnDifferences(TableMove move);

    /** Exact number of rows in the table on {@code side}. */
    long countRows(Side side, TableMove move);

    /**
     * Splits the source table into key ranges of about {@code rowsPerChunk} rows that together
     * cover every key. The same {@code seed} on an unchanged table gives the same ranges.
     */
    List<KeyRange> planChunks(TableMove move, long rowsPerChunk, long seed);

    /** Count and hash sum of the rows in {@code range}. */
    Checksum checksum(Side side, TableMove move, KeyRange range);

    /**
     * Up to {@code parts - 1} keys of {@code side} that split {@code range} into sub-ranges of about
     * equal row counts, ascending and distinct.
     */
    List<List<String>> splitKeys(Side side, TableMove move, KeyRange range, int parts);

    /**
     * Checksums of the sub-ranges of {@code range} cut at {@code splitKeys}, in one pass: element i
     * covers keys from split i-1 (inclusive) to split i (exclusive).
     */
    List<Checksum> checksums(Side side, TableMove move, KeyRange range, List<List<String>> splitKeys);

    /**
     * Checksums of every chunk of the table in one pass over it, as of one moment: chunk i holds
     * the keys from {@code bounds[i-1]} (inclusive) to {@code bounds[i]} (exclusive), the first and
     * last chunks are open. Cheaper than a query per chunk when all of them are wanted.
     * {@code progress} is told the fraction done, from any thread.
     */
    List<Checksum> checksumChunks(Side side, TableMove move, List<List<String>> bounds, DoubleConsumer progress);

    /** Key and hash of every row in {@code range}. */
    List<RowDigest> digests(Side side, TableMove move, KeyRange range);

    /** The rows with the given keys, as normalized column text (null for NULL); absent keys are left out. */
    Map<List<String>, List<String>> rows(Side side, TableMove move, Collection<List<String>> keys);

    @Override
    void close();
}
