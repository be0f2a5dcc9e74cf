package dev.safeshift.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.safeshift.SafeshiftException;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.testing.EmbeddedPostgres;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChunkCheckpointIT {

    @Test
    void finishedChunksSurviveReopeningTheStore() {
        Endpoint database = EmbeddedPostgres.newDatabase("chunks");
        long id;
        try (ControlStore store = ControlStore.open(database, "safeshift")) {
            id = store.register("orders", "{}").id();
            store.saveChunks(id, List.of(chunk("public.orders", 0, null, "100", 100), chunk("public.orders", 1, "100", null, 50),
                    chunk("public.items", 0, null, null, 7)));
            store.markChunkStarted(id, "public.orders", 1);
            store.markChunkDone(id, "public.orders", 1, 48);
        }
        try (ControlStore store = ControlStore.open(database, "safeshift")) {
            List<ChunkRecord> chunks = store.chunks(id);

            assertThat(chunks).extracting(c -> c.table() + "#" + c.chunkNo() + ":" + c.done())
                    .containsExactly("public.items#0:false", "public.orders#0:false", "public.orders#1:true");
            ChunkRecord done = chunks.get(2);
            assertThat(done.rowsCopied()).isEqualTo(48);
            assertThat(done.finishedAt()).isPresent();
            assertThat(done.lowerInclusive()).contains("100");
            assertThat(done.upperExclusive()).isEmpty();
            assertThat(chunks.get(1).upperExclusive()).contains("100");
            assertThat(chunks.get(1).finishedAt()).isEmpty();
        }
    }

    @Test
    void savingAgainReplacesATablesPlanOnlyWhileNoChunkOfItIsDone() {
        try (ControlStore store = ControlStore.open(EmbeddedPostgres.newDatabase("chunks_again"), "safeshift")) {
            long id = store.register("orders", "{}").id();
            store.saveChunks(id, List.of(chunk("a", 0, null, "5", 5), chunk("a", 1, "5", null, 5), chunk("b", 0, null, null, 3)));
            store.markChunkDone(id, "a", 0, 5);

            // a restart computes a different split; the table already being copied must keep its plan
            store.saveChunks(id, List.of(chunk("a", 0, null, null, 10), chunk("b", 0, null, "2", 2), chunk("b", 1, "2", null, 2)));

            assertThat(store.chunks(id)).extracting(c -> c.table() + "#" + c.chunkNo() + ":" + c.upperExclusive().orElse("-"))
                    .containsExactly("a#0:5", "a#1:-", "b#0:2", "b#1:-");
        }
    }

    @Test
    void markingAChunkThatIsNotPlannedFails() {
        try (ControlStore store = ControlStore.open(EmbeddedPostgres.newDatabase("chunks_unknown"), "safeshift")) {
            long id = store.register("orders", "{}").id();

            SafeshiftException failure = catchThrowableOfType(SafeshiftException.class,
                    () -> store.markChunkDone(id, "public.orders", 9, 1));

            assertThat(failure.kind()).isEqualTo(SafeshiftException.Kind.STATE);
            assertThat(failure.getMessage()).contains("chunk 9 of public.orders");
        }
    }

    static ChunkRecord chunk(String table, int no, String lower, String upper, long estimate) {
        return new ChunkRecord(table, no, Optional.ofNullable(lower), Optional.ofNullable(upper), estimate, false, 0,
                Optional.empty());
    }
}
