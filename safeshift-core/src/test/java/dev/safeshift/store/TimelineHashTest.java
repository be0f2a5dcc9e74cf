package dev.safeshift.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimelineHashTest {

    private static final Instant AT = Instant.parse("2025-03-01T10:15:30.123456Z");

    @Test
    void encodingIsPinnedSoStoredChainsStayVerifiable() {
        // Changing the encoding would make every stored timeline look tampered with. The expected
        // value was computed outside Java from the documented encoding (length-prefixed UTF-8 fields).
        assertThat(TimelineHash.of(TimelineHash.GENESIS, 1, AT, "phase", "alice", "{}"))
                .isEqualTo("fe0e90efe3d9e020fdcc28436d4ce348c4e7130019c1c1875a829308058e50f7");
    }

    @Test
    void movingCharactersBetweenFieldsChangesTheHash() {
        String base = TimelineHash.of(TimelineHash.GENESIS, 1, AT, "ab", "c", "{}");

        assertThat(TimelineHash.of(TimelineHash.GENESIS, 1, AT, "a", "bc", "{}")).isNotEqualTo(base);
        assertThat(TimelineHash.of(TimelineHash.GENESIS, 1, AT.plusNanos(1000), "ab", "c", "{}")).isNotEqualTo(base);
        assertThat(TimelineHash.of(TimelineHash.GENESIS, 11, AT, "ab", "c", "{}")).isNotEqualTo(base);
    }

    @Test
    void timesAreHashedWithSixFractionDigitsWhateverTheirValue() {
        assertThat(TimelineHash.AT.format(Instant.parse("2025-03-01T10:15:30Z"))).isEqualTo("2025-03-01T10:15:30.000000Z");
        assertThat(TimelineHash.AT.format(AT)).isEqualTo("2025-03-01T10:15:30.123456Z");
    }

    @Test
    void verifyNamesTheFirstBrokenEvent() {
        List<TimelineEvent> events = chain(4);
        TimelineEvent last = events.get(3);

        assertThat(TimelineHash.verify(events, 4, last.hash())).isEqualTo(ChainCheck.intact(4));

        List<TimelineEvent> edited = new ArrayList<>(events);
        TimelineEvent second = edited.get(1);
        edited.set(1, new TimelineEvent(2, second.at(), second.kind(), "mallory", second.detail(), second.previousHash(), second.hash()));
        assertThat(TimelineHash.verify(edited, 4, last.hash()).firstBrokenSeq()).contains(2L);

        List<TimelineEvent> rehashed = new ArrayList<>(edited);
        TimelineEvent forged = rehashed.get(1);
        rehashed.set(1, new TimelineEvent(2, forged.at(), forged.kind(), forged.actor(), forged.detail(), forged.previousHash(),
                TimelineHash.of(forged.previousHash(), 2, forged.at(), forged.kind(), forged.actor(), forged.detail())));
        assertThat(TimelineHash.verify(rehashed, 4, last.hash()).firstBrokenSeq())
                .as("re-hashing one event breaks the link to the next").contains(3L);

        List<TimelineEvent> gap = new ArrayList<>(events);
        gap.remove(2);
        assertThat(TimelineHash.verify(gap, 4, last.hash()).firstBrokenSeq()).contains(3L);

        assertThat(TimelineHash.verify(events.subList(0, 3), 4, last.hash()).problem()).contains("events after 3 are missing");
        assertThat(TimelineHash.verify(events, 3, events.get(2).hash()).problem()).contains("event 4 was not appended by Safeshift");
        assertThat(TimelineHash.verify(events, 4, TimelineHash.GENESIS).firstBrokenSeq()).contains(4L);
    }

    private static List<TimelineEvent> chain(int length) {
        List<TimelineEvent> events = new ArrayList<>();
        String previous = TimelineHash.GENESIS;
        for (int seq = 1; seq <= length; seq++) {
            Instant at = AT.plusSeconds(seq);
            String detail = "{\"n\":" + seq + "}";
            String hash = TimelineHash.of(previous, seq, at, "note", "alice", detail);
            events.add(new TimelineEvent(seq, at, "note", "alice", detail, previous, hash));
            previous = hash;
        }
        return events;
    }
}
