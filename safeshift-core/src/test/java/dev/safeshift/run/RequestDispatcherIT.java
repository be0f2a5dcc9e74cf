package dev.safeshift.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safeshift.SafeshiftException;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.Request;
import dev.safeshift.testing.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestDispatcherIT {

    @Test
    void everyRequestIsAnsweredHandledRefusedOrUnknown() throws Exception {
        var database = EmbeddedPostgres.newDatabase("requests");
        List<Long> handled = new ArrayList<>();
        try (ControlStore store = ControlStore.open(database, "safeshift")) {
            long id = store.register("orders", "{}").id();
            long stop = store.request(id, Request.STOP, "alice", "{}");
            long refused = store.request(id, "pause", "bob", "{}");
            long unknown = store.request(id, "teleport", "carol", "{}");
            Map<String, RequestDispatcher.Handler> handlers = new LinkedHashMap<>();
            handlers.put(Request.STOP, request -> {
                handled.add(request.id());
                return "stopping";
            });
            handlers.put("pause", request -> {
                throw new SafeshiftException(SafeshiftException.Kind.STATE, "nothing to pause while backfilling");
            });

            new RequestDispatcher(store, id, handlers).dispatch();

            assertThat(handled).containsExactly(stop);
            assertThat(store.pendingRequests(id)).isEmpty();
            try (Connection connection = EmbeddedPostgres.connect(database);
                 Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT id, outcome FROM safeshift.request ORDER BY id")) {
                Map<Long, String> outcomes = new LinkedHashMap<>();
                while (rows.next()) {
                    outcomes.put(rows.getLong(1), rows.getString(2));
                }
                assertThat(outcomes).containsEntry(stop, "stopping")
                        .containsEntry(refused, "refused: nothing to pause while backfilling")
                        .containsEntry(unknown, "refused: this daemon takes no 'teleport' requests (it takes pause, stop)");
            }
        }
    }
}
