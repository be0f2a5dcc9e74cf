package dev.safeshift.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusFormatterTest {

    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");

    @Test
    void aMigrationWithNothingYetSaysSo() throws Exception {
        StatusReport report = new StatusReport(new MigrationRecord(1, "orders", Phase.PLANNED, NOW, NOW), Phase.PLANNED,
                List.of(), Optional.empty(), List.of(), List.of(), ChainCheck.intact(0), NOW);

        assertThat(new StatusFormatter().text(report)).isEqualTo("""
                orders  phase PLANNED  (since 2025-03-01T10:00:00Z, id 1)
                tables  no chunk plan yet
                stream  not started
                requests  none pending
                timeline  chain intact (0 events)
                """);
        JsonNode json = new ObjectMapper().readTree(new StatusFormatter().json(report));
        assertThat(json.path("stream").isNull()).isTrue();
        assertThat(json.path("tables").isArray()).isTrue();
        assertThat(json.path("createdAt").asText()).isEqualTo("2025-03-01T10:00:00Z");
    }

    @Test
    void aStreamThatNeverReportedAndABrokenChainAreShown() throws Exception {
        StreamState stream = new StreamState("slot_a", "pub_a", "0/10", Optional.empty(), Optional.empty(), Optional.empty(), 0,
                Optional.empty());
        ChainCheck broken = new ChainCheck(false, 3, Optional.of(3L), Optional.of("event 3 was altered"));
        StatusReport report = new StatusReport(new MigrationRecord(1, "orders", Phase.STREAMING, NOW, NOW), Phase.STREAMING,
                List.of(), Optional.of(stream), List.of(), List.of(), broken, NOW);

        String text = new StatusFormatter().text(report);

        assertThat(text).contains("stream  slot slot_a, from 0/10  no progress reported yet")
                .contains("timeline  CHAIN BROKEN at event 3: event 3 was altered");
        JsonNode json = new ObjectMapper().readTree(new StatusFormatter().json(report));
        assertThat(json.path("timeline").path("firstBrokenSeq").asLong()).isEqualTo(3);
        assertThat(json.path("stream").path("reportedAt").isNull()).isTrue();
    }

    @Test
    void ageIsShownInWholeUnits() {
        assertThat(StatusFormatter.ago(3_400)).isEqualTo("3 s ago");
        assertThat(StatusFormatter.ago(119_999)).isEqualTo("119 s ago");
        assertThat(StatusFormatter.ago(300_000)).isEqualTo("5 min ago");
        assertThat(StatusFormatter.ago(3 * 3_600_000)).isEqualTo("3 h ago");
        assertThat(StatusFormatter.seconds(2_500)).isEqualTo("2.5 s");
    }

    @Test
    void aTableIsOnlyCompleteWhenEveryChunkIsDone() {
        assertThat(new TableProgress("t", 1, 2, 1_200, 1_000).percent()).isEqualTo(99.9);
        assertThat(new TableProgress("t", 2, 2, 900, 1_000).percent()).isEqualTo(100.0);
        assertThat(new TableProgress("t", 1, 4, 0, 0).percent()).isEqualTo(25.0);
        assertThat(new TableProgress("t", 0, 0, 0, 0).percent()).isZero();
    }
}
