package dev.safeshift.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.safeshift.SafeshiftException;
import dev.safeshift.testing.EmbeddedPostgres;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestLifecycleIT {

    @Test
    void aRequestIsPendingUntilTheDaemonCompletesIt() {
        try (ControlStore store = ControlStore.open(EmbeddedPostgres.newDatabase("requests"), "safeshift")) {
            long id = store.register("orders", "{}").id();
            long stop = store.request(id, Request.STOP, "alice", "{}");
            long signoff = store.request(id, "signoff", "bob", "{\"role\":\"dba\"}");

            List<Request> pending = store.pendingRequests(id);
            assertThat(pending).extracting(Request::id).containsExactly(stop, signoff);
            assertThat(pending.get(0).requestedBy()).isEqualTo("alice");
            assertThat(pending.get(1).payload()).isEqualTo("{\"role\":\"dba\"}");
            assertThat(pending.get(0).requestedAt()).isNotNull();

            store.completeRequest(stop, "stopped");
            store.completeRequest(stop, "stopped again");

            assertThat(store.pendingRequests(id)).extracting(Request::id).containsExactly(signoff);
        }
    }

    @Test
    void completingAnUnknownRequestFails() {
        try (ControlStore store = ControlStore.open(EmbeddedPostgres.newDatabase("requests_unknown"), "safeshift")) {
            SafeshiftException failure = catchThrowableOfType(SafeshiftException.class,
                    () -> store.completeRequest(12345, "done"));

            assertThat(failure.kind()).isEqualTo(SafeshiftException.Kind.STATE);
        }
    }

    @Test
    void requestsForAMigrationThatIsGoneAreRefused() {
        try (ControlStore store = ControlStore.open(EmbeddedPostgres.newDatabase("requests_gone"), "safeshift")) {
            long id = store.register("orders", "{}").id();
            store.purge(id);

            SafeshiftException failure = catchThrowableOfType(SafeshiftException.class,
                    () -> store.request(id, Request.STOP, "alice", "{}"));

            assertThat(failure.kind()).isEqualTo(SafeshiftException.Kind.STATE);
            assertThat(failure.getMessage()).contains("was it aborted?");
        }
    }

    @Test
    void aPayloadThatIsNotJsonIsRefusedBeforeItIsStored() {
        try (ControlStore store = ControlStore.open(EmbeddedPostgres.newDatabase("requests_json"), "safeshift")) {
            long id = store.register("orders", "{}").id();

            assertThatThrownBy(() -> store.request(id, Request.STOP, "alice", "{not json"))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(store.pendingRequests(id)).isEmpty();
        }
    }
}
