package dev.safeshift.engine;

/**
 * The mark a chunk's copy commits in the target together with its rows, so that whether a chunk
 * was copied is known from the target itself: a copy either committed with its mark or left nothing.
 *
 * @param captureName the migration's capture, which names everything the migration owns
 * @param table       the chunk's table, as {@link TableMove#key()}
 * @param chunkNo     the chunk's number in the table's plan
 */
public record ChunkMark(String captureName, String table, int chunkNo) {
}
