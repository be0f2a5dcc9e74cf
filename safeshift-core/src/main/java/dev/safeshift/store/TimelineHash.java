package dev.safeshift.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;

/**
 * The timeline's hash chain. Each event's hash is the hex SHA-256 of a version tag, the previous
 * event's hash, and the event's seq, time, kind, actor and detail. Every field is written as its
 * UTF-8 length (4 bytes, big-endian) followed by its bytes, so no two different events encode to
 * the same input (a plain concatenation would let "ab"+"c" collide with "a"+"bc").
 */
public final class TimelineHash {

    /** The "previous hash" of a migration's first event. */
    public static final String GENESIS = "0".repeat(64);

    private static final String VERSION = "safeshift-timeline-v1";

    /** Times are hashed at the store's precision (microseconds), always with six digits, in UTC. */
    static final DateTimeFormatter AT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private TimelineHash() {
    }

    public static String of(String previousHash, long seq, Instant at, String kind, String actor, String detail) {
        MessageDigest sha256 = sha256();
        for (String field : new String[] {VERSION, previousHash, Long.toString(seq), AT.format(at), kind, actor, detail}) {
            byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
            sha256.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
            sha256.update(bytes);
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    public static String of(TimelineEvent event) {
        return of(event.previousHash(), event.seq(), event.at(), event.kind(), event.actor(), event.detail());
    }

    /**
     * Checks a migration's events (ordered by seq) against each other and against the chain head
     * recorded with the migration, which is what reveals events cut off the end.
     */
    public static ChainCheck verify(List<TimelineEvent> events, long headSeq, String headHash) {
        String previous = GENESIS;
        long expectedSeq = 1;
        long checked = 0;
        for (TimelineEvent event : events) {
            if (event.seq() != expectedSeq) {
                return ChainCheck.broken(checked, expectedSeq, "event " + expectedSeq + " is missing");
            }
            checked++;
            if (!event.previousHash().equals(previous)) {
                return ChainCheck.broken(checked, event.seq(),
                        "event " + event.seq() + " does not follow event " + (event.seq() - 1));
            }
            if (!of(event).equals(event.hash())) {
                return ChainCheck.broken(checked, event.seq(), "event " + event.seq() + " was altered");
            }
            previous = event.hash();
            expectedSeq++;
        }
        long last = expectedSeq - 1;
        if (headSeq > last) {
            return ChainCheck.broken(checked, last + 1, "events after " + last + " are missing");
        }
        if (headSeq < last) {
            return ChainCheck.broken(checked, headSeq + 1, "event " + (headSeq + 1) + " was not appended by Safeshift");
        }
        if (!previous.equals(headHash)) {
            return ChainCheck.broken(checked, last, "event " + last + " does not match the recorded chain head");
        }
        return ChainCheck.intact(checked);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // every Java platform is required to provide SHA-256
            throw new IllegalStateException(e);
        }
    }
}
