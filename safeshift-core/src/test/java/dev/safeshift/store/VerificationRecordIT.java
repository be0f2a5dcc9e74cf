package dev.safeshift.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safeshift.SafeshiftException;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.testing.EmbeddedPostgres;
import dev.safeshift.verify.Scope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerificationRecordIT {

    private static final Instant T = Instant.parse("2025-03-01T10:00:00Z");

    @Test
    void theLastVerificationIsTheOneThatFinishedLast() {
        try (ControlStore store = ControlStore.open(EmbeddedPostgres.newDatabase("verify_last"), "safeshift")) {
            long id = store.register("orders", "{}").id();
            assertThat(store.lastVerification(id)).isEmpty();

            store.recordVerification(id, Reports.clean("orders", T, 1_000), "alice");
            VerificationSummary latest =
                    store.recordVerification(id, Reports.withDifferences("orders", T.plusSeconds(3600), 3), "bob");
            // recorded later, but finished before the latest: a slow run does not hide a newer result
            store.recordVerification(id, Reports.clean("orders", T.plusSeconds(1800), 1_000), "carol");

            assertThat(store.lastVerification(id)).contains(latest);
            assertThat(latest.migrationId()).isEqualTo(id);
            assertThat(latest.finishedAt()).isEqualTo(T.plusSeconds(3600));
            assertThat(latest.duration()).isEqualTo(Duration.ofSeconds(2));
            assertThat(latest.recordedAt()).isNotNull();
            assertThat(latest.scope()).isEqualTo(Scope.sample(5, 42));
            assertThat(latest.clean()).isFalse();
            assertThat(List.of(latest.rowsChecked(), latest.chunksChecked(), latest.chunksMismatched()))
                    .containsExactly(75L, 2L, 2L);
            assertThat(List.of(latest.missingInTarget(), latest.extraInTarget(), latest.differing(), latest.unsettled()))
                    .containsExactly(3L, 1L, 1L, 1L);
            assertThat(latest.differences()).isEqualTo(5);
        }
    }

    @Test
    void aFullVerificationIsStoredWithoutSampleOrSeed() {
        try (ControlStore store = ControlStore.open(EmbeddedPostgres.newDatabase("verify_full"), "safeshift")) {
            long id = store.register("orders", "{}").id();

            VerificationSummary full = store.recordVerification(id, Reports.clean("orders", T, 5_000_000), "alice");

            assertThat(store.lastVerification(id)).contains(full);
            assertThat(full.scope()).isEqualTo(Scope.full());
            assertThat(full.clean()).isTrue();
            assertThat(full.rowsChecked()).isEqualTo(5_000_000);
        }
    }

    @Test
    void theTimelineGetsTheTotalsButNoRowDataAndItsChainStillHolds() throws Exception {
        try (ControlStore store = ControlStore.open(EmbeddedPostgres.newDatabase("verify_timeline"), "safeshift")) {
            long id = store.register("orders", "{}").id();
            store.setPhase(id, Phase.BACKFILL, "copying");
            store.setPhase(id, Phase.STREAMING, "caught up");

            VerificationSummary summary = store.recordVerification(id, Reports.withDifferences("orders", T, 3), "alice");

            List<TimelineEvent> events = store.timeline(id);
            assertThat(events).hasSize(3);
            TimelineEvent event = events.get(2);
            assertThat(event.kind()).isEqualTo("verification");
            assertThat(event.actor()).isEqualTo("alice");
            assertThat(event.detail()).doesNotContain("secret").doesNotContain("key-").doesNotContain("public.orders");
            JsonNode detail = new ObjectMapper().readTree(event.detail());
            assertThat(detail.path("verification").asLong()).isEqualTo(summary.id());
            assertThat(detail.path("scope").asText()).isEqualTo("sample");
            assertThat(detail.path("samplePercent").asDouble()).isEqualTo(5.0);
            assertThat(detail.path("seed").asLong()).isEqualTo(42);
            assertThat(detail.path("clean").asBoolean()).isFalse();
            assertThat(detail.path("rowsChecked").asLong()).isEqualTo(75);
            assertThat(detail.path("missingInTarget").asLong()).isEqualTo(3);
            assertThat(detail.path("unsettled").asLong()).isEqualTo(1);
            assertThat(store.verifyTimeline(id)).isEqualTo(ChainCheck.intact(3));
        }
    }

    @Test
    void theStoredReportKeepsAHundredDifferencesPerTableAndCountsThemAll() throws Exception {
        Endpoint database = EmbeddedPostgres.newDatabase("verify_cap");
        long id;
        try (ControlStore store = ControlStore.open(database, "safeshift")) {
            id = store.register("orders", "{}").id();
            store.recordVerification(id, Reports.withDifferences("orders", T, 150), "alice");
        }

        JsonNode report;
        try (Connection connection = EmbeddedPostgres.connect(database);
             PreparedStatement select = connection.prepareStatement(
                     "SELECT report_json FROM safeshift.verification WHERE migration_id = ?")) {
            select.setLong(1, id);
            try (ResultSet rows = select.executeQuery()) {
                assertThat(rows.next()).isTrue();
                report = new ObjectMapper().readTree(rows.getString(1));
            }
        }
        JsonNode orders = report.path("tables").get(0);
        assertThat(orders.path("differences")).hasSize(ControlStore.STORED_DIFFERENCES_PER_TABLE);
        assertThat(orders.path("differencesOmitted").asInt()).isEqualTo(51);
        assertThat(orders.path("missingInTarget").asLong()).isEqualTo(150);
        assertThat(report.path("tables").get(1).path("differences")).hasSize(1);
        assertThat(report.path("scope").path("seed").asLong()).isEqualTo(42);
        assertThat(report.path("promise").path("confidence").asDouble()).isEqualTo(0.99);
    }

    @Test
    void statusShowsTheLastVerificationAndWhenTheNextIsDue() throws Exception {
        try (ControlStore store = ControlStore.open(EmbeddedPostgres.newDatabase("verify_status"), "safeshift")) {
            long id = store.register("orders",
                    "{\"name\":\"orders\",\"verify\":{\"every\":\"1h\",\"everySeconds\":3600,\"samplePercent\":5.0}}").id();
            StatusReport before = store.status("orders");
            assertThat(new StatusFormatter().text(before))
                    .contains("Last verification: none yet (scheduled every 1h, 5% sample)\n");

            store.recordVerification(id, Reports.withDifferences("orders", T, 3), "alice");
            StatusReport report = store.status("orders");

            assertThat(report.lastVerification()).isEqualTo(store.lastVerification(id));
            assertThat(report.lastVerificationAgeMillis()).hasValueSatisfying(age -> assertThat(age).isBetween(0L, 30_000L));
            assertThat(report.verifySchedule()).hasValueSatisfying(s -> assertThat(s.every()).hasHours(1));
            assertThat(report.chain().ok()).isTrue();
            assertThat(new StatusFormatter().text(report))
                    .containsPattern("Last verification: DIFFERENCES - 3 missing in target, 1 extra, 1 differing, "
                            + "1 unsettled \\(5% sample\\), \\d+ s ago; next in \\d+ min\n");
            JsonNode json = new ObjectMapper().readTree(new StatusFormatter().json(report));
            assertThat(json.path("lastVerification").path("ageMillis").isNumber()).isTrue();
            assertThat(json.path("lastVerification").path("finishedAt").asText()).isEqualTo("2025-03-01T10:00:00Z");
            assertThat(json.path("lastVerification").path("missingInTarget").asLong()).isEqualTo(3);
            assertThat(json.path("verifySchedule").path("everySeconds").asLong()).isEqualTo(3600);
            assertThat(json.path("verifySchedule").path("nextDueInMillis").asLong()).isBetween(3_570_000L, 3_600_000L);
            assertThat(json.path("timeline").path("recent").get(0).path("kind").asText()).isEqualTo("verification");
        }
    }

    @Test
    void recordingForAMigrationThatIsNotThereFails() {
        try (ControlStore store = ControlStore.open(EmbeddedPostgres.newDatabase("verify_unknown"), "safeshift")) {
            SafeshiftException failure = catchThrowableOfType(SafeshiftException.class,
                    () -> store.recordVerification(42, Reports.clean("orders", T, 1), "alice"));

            assertThat(failure.kind()).isEqualTo(SafeshiftException.Kind.STATE);
        }
    }
}
