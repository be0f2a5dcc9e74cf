package dev.safeshift.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.safeshift.SafeshiftException;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.testing.EmbeddedPostgres;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class StreamProgressIT {

    @Test
    void reportedProgressIsKeptAcrossReopenAndResetByANewCapture() {
        Endpoint database = EmbeddedPostgres.newDatabase("stream");
        long id;
        try (ControlStore store = ControlStore.open(database, "safeshift")) {
            id = store.register("orders", "{}").id();
            assertThat(store.stream(id)).isEmpty();

            store.saveStream(id, "safeshift_orders", "safeshift_orders_pub", "0/16B3740");
            StreamState fresh = store.stream(id).orElseThrow();
            assertThat(fresh.appliedPosition()).isEmpty();
            assertThat(fresh.reportedAt()).isEmpty();
            assertThat(fresh.eventsApplied()).isZero();

            store.reportStream(id, "0/16B3F40", 2048, 1500, 321);
        }
        try (ControlStore store = ControlStore.open(database, "safeshift")) {
            StreamState stream = store.stream(id).orElseThrow();
            assertThat(stream.slotName()).isEqualTo("safeshift_orders");
            assertThat(stream.publicationName()).isEqualTo("safeshift_orders_pub");
            assertThat(stream.startPosition()).contains("0/16B3740");
            assertThat(stream.appliedPosition()).contains("0/16B3F40");
            assertThat(stream.lagBytes()).contains(2048L);
            assertThat(stream.lagMillis()).contains(1500L);
            assertThat(stream.eventsApplied()).isEqualTo(321);
            assertThat(stream.reportedAt()).isPresent();

            store.saveStream(id, "safeshift_orders_2", "safeshift_orders_pub", "0/2000000");
            StreamState restarted = store.stream(id).orElseThrow();
            assertThat(restarted.appliedPosition()).isEmpty();
            assertThat(restarted.eventsApplied()).isZero();
        }
    }

    @Test
    void theForwardAndTheReverseStreamOfAMigrationAreKeptApart() {
        try (ControlStore store = ControlStore.open(EmbeddedPostgres.newDatabase("stream_directions"), "safeshift")) {
            long id = store.register("orders", "{}").id();
            store.saveStream(id, "safeshift_orders_fwd", "safeshift_orders_fwd", "0/100");
            store.reportStream(id, "0/200", 10, 20, 30);

            assertThat(store.stream(id, Direction.REVERSE)).isEmpty();
            store.recordCapture(id, Direction.REVERSE, "safeshift_orders_rev", "safeshift_orders_rev",
                    Optional.of("7399999999"), Optional.of("shop_new"));
            store.captureStarted(id, Direction.REVERSE, "5/0");

            StreamState reverse = store.stream(id, Direction.REVERSE).orElseThrow();
            assertThat(reverse.slotName()).isEqualTo("safeshift_orders_rev");
            assertThat(reverse.startPosition()).contains("5/0");
            assertThat(reverse.appliedPosition()).isEmpty();
            assertThat(reverse.sourceDatabase()).contains("shop_new");
            StreamState forward = store.stream(id).orElseThrow();
            assertThat(store.stream(id, Direction.FORWARD)).contains(forward);
            assertThat(forward.slotName()).isEqualTo("safeshift_orders_fwd");
            assertThat(forward.appliedPosition()).as("untouched by the reverse capture").contains("0/200");
            assertThat(forward.eventsApplied()).isEqualTo(30);
        }
    }

    @Test
    void aCaptureIsRecordedWithItsSourceServerBeforeItExists() {
        try (ControlStore store = ControlStore.open(EmbeddedPostgres.newDatabase("stream_intent"), "safeshift")) {
            long id = store.register("orders", "{}").id();

            store.recordCapture(id, "safeshift_orders_0a1b2c3d", "safeshift_orders_0a1b2c3d", Optional.of("7312345678"),
                    Optional.of("shop"));
            StreamState intent = store.stream(id).orElseThrow();
            assertThat(intent.started()).isFalse();
            assertThat(intent.sourceSystemId()).contains("7312345678");
            assertThat(intent.sourceDatabase()).contains("shop");

            store.captureStarted(id, "0/16B3740");
            store.reportStream(id, "0/16B3F40", 10, 20, 3, OptionalLong.of(123_456));
            StreamState started = store.stream(id).orElseThrow();
            assertThat(started.startPosition()).contains("0/16B3740");
            assertThat(started.retainedWalBytes()).contains(123_456L);
            assertThat(started.slotName()).isEqualTo("safeshift_orders_0a1b2c3d");
        }
    }

    @Test
    void reportingWithoutASavedStreamFails() {
        try (ControlStore store = ControlStore.open(EmbeddedPostgres.newDatabase("stream_missing"), "safeshift")) {
            long id = store.register("orders", "{}").id();

            SafeshiftException failure = catchThrowableOfType(SafeshiftException.class,
                    () -> store.reportStream(id, "0/1", 0, 0, 0));

            assertThat(failure.kind()).isEqualTo(SafeshiftException.Kind.STATE);
        }
    }
}
