package dev.safeshift.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.safeshift.SafeshiftException;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.testing.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MigrationLifecycleIT {

    @Test
    void registeringTwiceReturnsTheFirstRegistration() {
        try (ControlStore store = ControlStore.open(EmbeddedPostgres.newDatabase("register"), "safeshift")) {
            MigrationRecord first = store.register("orders", "{\"tables\":1}");
            MigrationRecord second = store.register("orders", "{\"tables\":2}");

            assertThat(second).isEqualTo(first);
            assertThat(first.phase()).isEqualTo(Phase.PLANNED);
            assertThat(store.planJson(first.id())).contains("{\"tables\":1}");
            assertThat(store.require("orders")).isEqualTo(first);
        }
    }

    @Test
    void requiringAnUnknownMigrationSaysHowToStartIt() {
        Endpoint database = EmbeddedPostgres.newDatabase("require");
        try (ControlStore store = ControlStore.open(database, "safeshift")) {
            SafeshiftException failure = catchThrowableOfType(SafeshiftException.class, () -> store.require("nope"));

            assertThat(failure.kind()).isEqualTo(SafeshiftException.Kind.STATE);
            assertThat(failure.getMessage()).isEqualTo("no migration named nope in the control store at "
                    + database.redactedUrl() + "; start it with `safeshift run plan.yaml`");
        }
    }

    @Test
    void phaseChangesAreRecordedInHistoryAndOnTheTimeline() throws Exception {
        Endpoint database = EmbeddedPostgres.newDatabase("phases");
        try (ControlStore store = ControlStore.open(database, "safeshift")) {
            long id = store.register("orders", "{}").id();
            store.setPhase(id, Phase.BACKFILL, "slot created");
            store.setPhase(id, Phase.STOPPED, "stop requested", "alice");

            assertThat(store.require("orders").phase()).isEqualTo(Phase.STOPPED);
            List<TimelineEvent> events = store.timeline(id);
            assertThat(events).extracting(TimelineEvent::kind).containsExactly("phase", "phase");
            assertThat(events).extracting(TimelineEvent::actor).containsExactly(ControlStore.SYSTEM_ACTOR, "alice");
            assertThat(events.get(0).detail()).isEqualTo("{\"from\":\"PLANNED\",\"to\":\"BACKFILL\",\"detail\":\"slot created\"}");
            assertThat(events.get(1).detail()).isEqualTo("{\"from\":\"BACKFILL\",\"to\":\"STOPPED\",\"detail\":\"stop requested\"}");
        }
        try (Connection connection = EmbeddedPostgres.connect(database);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT from_phase, to_phase, detail FROM safeshift.phase_change ORDER BY id")) {
            assertThat(rows.next()).isTrue();
            assertThat(List.of(rows.getString(1), rows.getString(2), rows.getString(3)))
                    .containsExactly("PLANNED", "BACKFILL", "slot created");
            assertThat(rows.next()).isTrue();
            assertThat(List.of(rows.getString(1), rows.getString(2), rows.getString(3)))
                    .containsExactly("BACKFILL", "STOPPED", "stop requested");
            assertThat(rows.next()).isFalse();
        }
    }

    @Test
    void aMoveTheTransitionTableDoesNotAllowIsRefusedAndOnTheTimeline() {
        try (ControlStore store = ControlStore.open(EmbeddedPostgres.newDatabase("phase_refused"), "safeshift")) {
            long id = store.register("orders", "{}").id();

            SafeshiftException failure = catchThrowableOfType(SafeshiftException.class,
                    () -> store.setPhase(id, Phase.STREAMING, "skipping the copy"));

            assertThat(failure.kind()).isEqualTo(SafeshiftException.Kind.STATE);
            assertThat(failure.getMessage()).contains("is PLANNED and cannot become STREAMING");
            assertThat(store.require("orders").phase()).isEqualTo(Phase.PLANNED);
            List<TimelineEvent> events = store.timeline(id);
            assertThat(events).extracting(TimelineEvent::kind).containsExactly("phase-refused");
            assertThat(events.get(0).detail())
                    .isEqualTo("{\"from\":\"PLANNED\",\"to\":\"STREAMING\",\"detail\":\"skipping the copy\"}");
            assertThat(store.verifyTimeline(id).ok()).isTrue();
        }
    }

    @Test
    void everyPhaseHasAWayOnAndNoPhaseMovesToItself() {
        for (Phase phase : Phase.values()) {
            if (phase != Phase.COMPLETED) {
                assertThat(PhaseTransitions.next(phase)).as(phase + " leads somewhere").isNotEmpty();
            }
            assertThat(PhaseTransitions.allowed(phase, phase)).as(phase + " to itself").isFalse();
        }
        assertThat(PhaseTransitions.next(Phase.COMPLETED)).as("a completed migration is over").isEmpty();
        assertThat(PhaseTransitions.allowed(Phase.PLANNED, Phase.BACKFILL)).isTrue();
        assertThat(PhaseTransitions.allowed(Phase.STREAMING, Phase.BACKFILL)).as("a stream never copies again").isFalse();
        assertThat(PhaseTransitions.allowed(Phase.FAILED, Phase.STREAMING)).as("a restarted daemon resumes").isTrue();
    }

    @Test
    void changingThePhaseOfAnUnknownMigrationFails() {
        try (ControlStore store = ControlStore.open(EmbeddedPostgres.newDatabase("phase_unknown"), "safeshift")) {
            SafeshiftException failure = catchThrowableOfType(SafeshiftException.class,
                    () -> store.setPhase(42, Phase.BACKFILL, "x"));

            assertThat(failure.kind()).isEqualTo(SafeshiftException.Kind.STATE);
        }
    }

    @Test
    void purgeRemovesEveryRowOfThatMigrationAndNoOther() throws Exception {
        Endpoint database = EmbeddedPostgres.newDatabase("purge");
        try (ControlStore store = ControlStore.open(database, "safeshift")) {
            long doomed = fill(store, "orders");
            long kept = fill(store, "invoices");

            store.purge(doomed);

            assertThat(store.find("orders")).isEmpty();
            assertThat(store.find("invoices")).isPresent();
            assertThat(store.timeline(kept)).hasSize(3);
            assertThat(store.lastVerification(kept)).isPresent();
            assertThat(store.lastVerification(doomed)).isEmpty();
            assertThat(store.chunks(kept)).hasSize(1);
            assertThat(store.verifyTimeline(kept).ok()).isTrue();
            assertThat(store.register("orders", "{}").phase()).as("the name can be used again").isEqualTo(Phase.PLANNED);
        }
        try (Connection connection = EmbeddedPostgres.connect(database);
             Statement statement = connection.createStatement()) {
            for (String table : new String[] {"timeline", "verification", "chunk", "stream", "request", "phase_change"}) {
                try (ResultSet rows = statement.executeQuery(
                        "SELECT count(*) FROM safeshift." + table + " WHERE migration_id NOT IN (SELECT id FROM safeshift.migration)")) {
                    rows.next();
                    assertThat(rows.getLong(1)).as("orphaned rows in " + table).isZero();
                }
            }
        }
    }

    private static long fill(ControlStore store, String name) {
        long id = store.register(name, "{}").id();
        store.setPhase(id, Phase.BACKFILL, null);
        store.append(id, "note", "bob", "{}");
        store.saveChunks(id, List.of(new ChunkRecord("public." + name, 0, Optional.empty(), Optional.empty(), 10, false, 0,
                Optional.empty())));
        store.saveStream(id, "slot_" + name, "pub_" + name, "0/1");
        store.request(id, Request.STOP, "bob", "{}");
        store.recordVerification(id, Reports.clean(name, Instant.parse("2025-03-01T10:00:00Z"), 10), "bob");
        return id;
    }
}
