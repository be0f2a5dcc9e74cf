package dev.safeshift.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safeshift.plan.Endpoint;
import dev.safeshift.testing.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TimelineIntegrityIT {

    @Test
    void appendedEventsFormAChainThatVerifies() {
        try (ControlStore store = ControlStore.open(EmbeddedPostgres.newDatabase("chain"), "safeshift")) {
            long id = store.register("orders", "{}").id();
            assertThat(store.verifyTimeline(id).ok()).as("an empty timeline verifies").isTrue();

            TimelineEvent first = store.append(id, "note", "alice", "{\"text\":\"hello\"}");
            TimelineEvent second = store.append(id, "note", "bob", "[1,2]");

            assertThat(first.seq()).isEqualTo(1);
            assertThat(first.previousHash()).isEqualTo(TimelineHash.GENESIS);
            assertThat(second.previousHash()).isEqualTo(first.hash());
            assertThat(store.timeline(id)).containsExactly(first, second);
            assertThat(store.verifyTimeline(id)).isEqualTo(ChainCheck.intact(2));
        }
    }

    @Test
    void anEventEditedBehindTheTriggersBackIsFound() throws Exception {
        Endpoint database = EmbeddedPostgres.newDatabase("tamper");
        try (ControlStore store = ControlStore.open(database, "safeshift")) {
            long id = store.register("orders", "{}").id();
            for (int i = 1; i <= 4; i++) {
                store.append(id, "note", "alice", "{\"n\":" + i + "}");
            }

            superuser(database, "ALTER TABLE safeshift.timeline DISABLE TRIGGER timeline_append_only",
                    "UPDATE safeshift.timeline SET detail = '{\"n\":99}' WHERE seq = 3",
                    "ALTER TABLE safeshift.timeline ENABLE TRIGGER timeline_append_only");

            ChainCheck check = store.verifyTimeline(id);
            assertThat(check.ok()).isFalse();
            assertThat(check.firstBrokenSeq()).contains(3L);
            assertThat(check.problem()).contains("event 3 was altered");
        }
    }

    @Test
    void aDeletedEventIsFoundEvenAtTheEnd() throws Exception {
        Endpoint database = EmbeddedPostgres.newDatabase("tamper_delete");
        try (ControlStore store = ControlStore.open(database, "safeshift")) {
            long middle = store.register("orders", "{}").id();
            long tail = store.register("invoices", "{}").id();
            for (int i = 1; i <= 3; i++) {
                store.append(middle, "note", "alice", "{}");
                store.append(tail, "note", "alice", "{}");
            }

            superuser(database, "ALTER TABLE safeshift.timeline DISABLE TRIGGER timeline_append_only",
                    "DELETE FROM safeshift.timeline WHERE migration_id = " + middle + " AND seq = 2",
                    "DELETE FROM safeshift.timeline WHERE migration_id = " + tail + " AND seq = 3",
                    "ALTER TABLE safeshift.timeline ENABLE TRIGGER timeline_append_only");

            assertThat(store.verifyTimeline(middle).firstBrokenSeq()).contains(2L);
            assertThat(store.verifyTimeline(tail).firstBrokenSeq()).contains(3L);
        }
    }

    @Test
    void updatesDeletesAndTruncatesOfTheTimelineAreRejectedEvenForASuperuser() throws Exception {
        Endpoint database = EmbeddedPostgres.newDatabase("append_only");
        try (ControlStore store = ControlStore.open(database, "safeshift")) {
            long id = store.register("orders", "{}").id();
            store.append(id, "note", "alice", "{}");
        }

        for (String sql : new String[] {"UPDATE safeshift.timeline SET actor = 'mallory'", "DELETE FROM safeshift.timeline",
                "TRUNCATE safeshift.timeline"}) {
            assertThatThrownBy(() -> superuser(database, sql))
                    .as(sql)
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("append-only")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
        }
        try (ControlStore store = ControlStore.open(database, "safeshift")) {
            assertThat(store.verifyTimeline(store.require("orders").id()).ok()).isTrue();
        }
    }

    @Test
    void concurrentAppendsFromFourThreadsAndTwoConnectionsStayChained() throws Exception {
        Endpoint database = EmbeddedPostgres.newDatabase("chain_concurrent");
        int threads = 4;
        int perThread = 25;
        try (ControlStore one = ControlStore.open(database, "safeshift");
             ControlStore two = ControlStore.open(database, "safeshift")) {
            long id = one.register("orders", "{}").id();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                ControlStore store = t % 2 == 0 ? one : two;
                String actor = "worker-" + t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        store.append(id, "chunk", actor, "{\"i\":" + i + "}");
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : done) {
                future.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();

            List<TimelineEvent> events = one.timeline(id);
            assertThat(events).hasSize(threads * perThread);
            assertThat(events).extracting(TimelineEvent::seq).doesNotHaveDuplicates().startsWith(1L).endsWith((long) threads * perThread);
            assertThat(one.verifyTimeline(id)).isEqualTo(ChainCheck.intact(threads * perThread));
            for (int i = 1; i < events.size(); i++) {
                assertThat(events.get(i).at()).isAfterOrEqualTo(events.get(i - 1).at());
            }
        }
    }

    private static void superuser(Endpoint database, String... statements) throws SQLException {
        try (Connection connection = EmbeddedPostgres.connect(database);
             Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }
}
