package dev.safeshift.store;

import static dev.safeshift.store.ChunkCheckpointIT.chunk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safeshift.testing.EmbeddedPostgres;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusReportIT {

    @Test
    void statusShowsProgressLagRequestsAndRecentEvents() throws Exception {
        try (ControlStore store = ControlStore.open(EmbeddedPostgres.newDatabase("status"), "safeshift")) {
            long id = store.register("orders_move", "{}").id();
            store.setPhase(id, Phase.BACKFILL, "slot created");
            store.saveChunks(id, List.of(chunk("public.orders", 0, null, "500", 500), chunk("public.orders", 1, "500", null, 500),
                    chunk("public.items", 0, null, null, 30)));
            store.markChunkDone(id, "public.orders", 0, 480);
            store.markChunkDone(id, "public.items", 0, 31);
            store.saveStream(id, "safeshift_orders", "safeshift_pub", "0/1000");
            store.reportStream(id, "0/2000", 4096, 2500, 77);
            long stop = store.request(id, Request.STOP, "alice", "{\"reason\":\"lunch\"}");
            for (int i = 0; i < 11; i++) {
                store.append(id, "note", "bob", "{\"i\":" + i + "}");
            }

            StatusReport report = store.status("orders_move");

            assertThat(report.phase()).isEqualTo(Phase.BACKFILL);
            // estimates follow what finished chunks held: never fewer rows in all than were copied
            assertThat(report.tables()).containsExactly(new TableProgress("public.items", 1, 1, 31, 31),
                    new TableProgress("public.orders", 1, 2, 480, 980));
            assertThat(report.recentEvents()).hasSize(10);
            assertThat(report.recentEvents().get(9).seq()).isEqualTo(12);
            assertThat(report.chain()).isEqualTo(ChainCheck.intact(12));
            assertThat(report.streamReportAgeMillis()).hasValueSatisfying(age -> assertThat(age).isBetween(0L, 30_000L));

            JsonNode json = new ObjectMapper().readTree(new StatusFormatter().json(report));
            assertThat(json.path("name").asText()).isEqualTo("orders_move");
            assertThat(json.path("phase").asText()).isEqualTo("BACKFILL");
            assertThat(json.path("tables").get(1).path("chunksDone").asInt()).isEqualTo(1);
            assertThat(json.path("tables").get(1).path("chunksTotal").asInt()).isEqualTo(2);
            assertThat(json.path("tables").get(1).path("rowsCopied").asLong()).isEqualTo(480);
            assertThat(json.path("tables").get(1).path("percent").asDouble()).isEqualTo(49.0);
            assertThat(json.path("tables").get(0).path("percent").asDouble()).isEqualTo(100.0);
            assertThat(json.path("stream").path("lagBytes").asLong()).isEqualTo(4096);
            assertThat(json.path("stream").path("lagMillis").asLong()).isEqualTo(2500);
            assertThat(json.path("stream").path("eventsApplied").asLong()).isEqualTo(77);
            assertThat(json.path("pendingRequests").get(0).path("id").asLong()).isEqualTo(stop);
            assertThat(json.path("pendingRequests").get(0).path("payload").path("reason").asText()).isEqualTo("lunch");
            assertThat(json.path("timeline").path("chainOk").asBoolean()).isTrue();
            assertThat(json.path("timeline").path("recent")).hasSize(10);
            assertThat(json.path("generatedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

            String text = new StatusFormatter().text(report);
            assertThat(text).contains("orders_move  phase BACKFILL")
                    .contains("public.orders   49.0%  1/2 chunks  480 of ~980 rows")
                    .contains("public.items   100.0%  1/1 chunks  31 of ~31 rows")
                    .contains("lag 4,096 bytes, 2.5 s")
                    .containsPattern("reported \\d+ s ago")
                    .contains("#" + stop + " stop by alice")
                    .contains("chain intact (12 events)")
                    .contains("#12 ");
        }
    }
}
