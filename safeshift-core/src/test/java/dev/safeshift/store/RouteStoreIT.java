package dev.safeshift.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safeshift.plan.Endpoint;
import dev.safeshift.testing.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RouteStoreIT {

    @Test
    void eachRouteChangeCountsAnEpochAndGoesOnTheTimeline() {
        try (ControlStore store = ControlStore.open(EmbeddedPostgres.newDatabase("route_epochs"), "safeshift")) {
            long id = store.register("orders", "{}").id();
            assertThat(store.route(id)).isEmpty();

            RouteState paused = store.pauseRoute(id, Route.SOURCE, Duration.ofSeconds(30), "alice");
            RouteState switched = store.setRoute(id, Route.TARGET, "alice");

            assertThat(paused.epoch()).isEqualTo(1);
            assertThat(paused.resumeTo()).contains(Route.SOURCE);
            assertThat(paused.pausedUntil()).hasValueSatisfying(until -> assertThat(until).isAfter(paused.changedAt()));
            assertThat(switched.epoch()).isEqualTo(2);
            assertThat(switched.resumeTo()).isEmpty();
            assertThat(switched.pausedUntil()).isEmpty();
            assertThat(store.route(id)).contains(switched);
            assertThat(store.timeline(id)).filteredOn(event -> event.kind().equals("route"))
                    .extracting(TimelineEvent::detail)
                    .containsExactly("{\"route\":\"PAUSED\",\"epoch\":1,\"resumeTo\":\"SOURCE\",\"leaseMillis\":30000}",
                            "{\"route\":\"TARGET\",\"epoch\":2}");
        }
    }

    @Test
    void samplesOlderThanTheRetentionAreDeletedAndNewerOnesKept() throws SQLException {
        Endpoint database = EmbeddedPostgres.newDatabase("route_retention");
        try (ControlStore store = ControlStore.open(database, "safeshift")) {
            long id = store.register("orders", "{}").id();
            long other = store.register("invoices", "{}").id();
            try (Connection connection = EmbeddedPostgres.connect(database); Statement statement = connection.createStatement()) {
                for (long migration : new long[] {id, other}) {
                    statement.execute("INSERT INTO safeshift.router_sample (migration_id, instance, side, pattern_id,"
                            + " pattern, interval_start, interval_end, calls, errors, latency) SELECT " + migration
                            + ", 'app-1', 'SOURCE', 'p', 'select ?', now() - make_interval(hours => h) - interval '1 second',"
                            + " now() - make_interval(hours => h), 1, 0, '\\x00' FROM unnest(ARRAY[0, 23, 25, 200]) h");
                }
            }

            int deleted = store.pruneRouterSamples(id, Duration.ofDays(1));

            assertThat(deleted).isEqualTo(2);
            try (Connection connection = EmbeddedPostgres.connect(database); Statement statement = connection.createStatement();
                 var rows = statement.executeQuery("SELECT migration_id, count(*) FROM safeshift.router_sample"
                         + " GROUP BY migration_id ORDER BY migration_id")) {
                rows.next();
                assertThat(rows.getLong(2)).as("kept for the pruned migration").isEqualTo(2);
                rows.next();
                assertThat(rows.getLong(2)).as("another migration's samples are its own").isEqualTo(4);
            }
        }
    }
}
