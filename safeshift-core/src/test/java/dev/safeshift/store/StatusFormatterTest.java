package dev.safeshift.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safeshift.plan.VerifySchedule;
import dev.safeshift.verify.Scope;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class StatusFormatterTest {

    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");

    @Test
    void aMigrationWithNothingYetSaysSo() throws Exception {
        StatusReport report = new StatusReport(new MigrationRecord(1, "orders", Phase.PLANNED, NOW, NOW), Phase.PLANNED,
                List.of(), Optional.empty(), Optional.empty(), Optional.empty(), List.of(), List.of(), ChainCheck.intact(0), NOW);

        assertThat(new StatusFormatter().text(report)).isEqualTo("""
                orders  phase PLANNED  (since 2025-03-01T10:00:00Z, id 1)
                daemon  none has run yet; start one with safeshift run
                tables  no chunk plan yet
                stream  not started
                Last verification: none yet
                requests  none pending
                timeline  chain intact (0 events)
                """);
        JsonNode json = new ObjectMapper().readTree(new StatusFormatter().json(report));
        assertThat(json.path("stream").isNull()).isTrue();
        assertThat(json.path("tables").isArray()).isTrue();
        assertThat(json.path("createdAt").asText()).isEqualTo("2025-03-01T10:00:00Z");
        assertThat(json.path("lastVerification").isNull()).isTrue();
        assertThat(json.path("verifySchedule").isNull()).isTrue();
    }

    @Test
    void aKilledDaemonIsShownAsNotRunningWithTheLogItsSlotKeeps() throws Exception {
        MigrationRecord killed = new MigrationRecord(1, "orders", Phase.STREAMING, NOW, NOW, Optional.of("4242@db-host"),
                Optional.of(NOW.minusSeconds(600)), Optional.empty());
        StreamState stream = new StreamState("safeshift_orders_0a1b2c3d", "safeshift_orders_0a1b2c3d", Optional.of("0/10"),
                Optional.of("0/20"), Optional.of(100L), Optional.of(0L), 5, Optional.of(NOW.minusSeconds(601)),
                Optional.of("7312"), Optional.of("shop"), Optional.of(1024L));
        StatusReport report = new StatusReport(killed, Phase.STREAMING, List.of(), Optional.of(stream), Optional.empty(),
                Optional.empty(), List.of(), List.of(), ChainCheck.intact(0), NOW)
                .withLiveness(new Liveness(false, Optional.of(12L * 1024 * 1024 * 1024), Optional.empty(),
                        10L * 1024 * 1024 * 1024));

        String text = new StatusFormatter().text(report);

        assertThat(text).contains("daemon  NOT RUNNING since 2025-03-01T09:50:00Z (10 min ago; last 4242@db-host stopped"
                + " sending heartbeats, so it was killed or lost)")
                .contains("source  keeps 12 GB of write-ahead log for slot safeshift_orders_0a1b2c3d")
                .contains("WARNING: that is more than 10 GB (stream.warn-retained-wal)")
                .contains("safeshift abort");
        JsonNode json = new ObjectMapper().readTree(new StatusFormatter().json(report));
        assertThat(json.path("daemon").path("running").asBoolean()).isFalse();
        assertThat(json.path("daemon").path("heartbeatAgeMillis").asLong()).isEqualTo(600_000);
        assertThat(json.path("retainedWal").path("bytes").asLong()).isEqualTo(12L * 1024 * 1024 * 1024);
        assertThat(json.path("retainedWal").path("aboveWarning").asBoolean()).isTrue();
    }

    @Test
    void aRunningDaemonShowsItsHeartbeatAndASilentOneIsFlagged() {
        MigrationRecord fresh = new MigrationRecord(1, "orders", Phase.BACKFILL, NOW, NOW, Optional.of("7@host"),
                Optional.of(NOW.minusSeconds(2)), Optional.empty());
        MigrationRecord silent = new MigrationRecord(1, "orders", Phase.BACKFILL, NOW, NOW, Optional.of("7@host"),
                Optional.of(NOW.minusSeconds(90)), Optional.empty());
        Liveness running = new Liveness(true, Optional.empty(), Optional.of("no replication slot yet"), 1);

        assertThat(new StatusFormatter().text(report(fresh, running))).contains("daemon  running (7@host), heartbeat 2 s ago\n");
        assertThat(new StatusFormatter().text(report(silent, running)))
                .contains("daemon  running (7@host), heartbeat 90 s ago  WARNING: no heartbeat for 90 s");
    }

    @Test
    void withoutTheLockCheckADaemonThatEndedIsNotCalledRunning() {
        MigrationRecord ended = new MigrationRecord(1, "orders", Phase.STOPPED, NOW, NOW, Optional.of("7@host"),
                Optional.of(NOW.minusSeconds(1)), Optional.of(NOW));
        StatusReport report = new StatusReport(ended, Phase.STOPPED, List.of(), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of(), List.of(), ChainCheck.intact(0), NOW);

        assertThat(new StatusFormatter().text(report)).contains("daemon  NOT RUNNING since 2025-03-01T10:00:00Z")
                .contains("last 7@host ended");
    }

    private static StatusReport report(MigrationRecord migration, Liveness liveness) {
        return new StatusReport(migration, migration.phase(), List.of(), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of(), List.of(), ChainCheck.intact(0), NOW).withLiveness(liveness);
    }

    @Test
    void aStreamThatNeverReportedAndABrokenChainAreShown() throws Exception {
        StreamState stream = new StreamState("slot_a", "pub_a", Optional.of("0/10"), Optional.empty(), Optional.empty(),
                Optional.empty(), 0, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        ChainCheck broken = new ChainCheck(false, 3, Optional.of(3L), Optional.of("event 3 was altered"));
        StatusReport report = new StatusReport(new MigrationRecord(1, "orders", Phase.STREAMING, NOW, NOW), Phase.STREAMING,
                List.of(), Optional.of(stream), Optional.empty(), Optional.empty(), List.of(), List.of(), broken, NOW);

        String text = new StatusFormatter().text(report);

        assertThat(text).contains("stream  slot slot_a, from 0/10  no progress reported yet")
                .contains("timeline  CHAIN BROKEN at event 3: event 3 was altered");
        JsonNode json = new ObjectMapper().readTree(new StatusFormatter().json(report));
        assertThat(json.path("timeline").path("firstBrokenSeq").asLong()).isEqualTo(3);
        assertThat(json.path("stream").path("reportedAt").isNull()).isTrue();
    }

    @Test
    void aCleanVerificationShowsItsScopeRowsAndAge() throws Exception {
        VerificationSummary full = verification(Scope.full(), true, 0, 0, 0, 0, Duration.ofMinutes(12));
        StatusReport report = withVerification(Optional.of(full), Optional.empty());

        assertThat(VerificationStatus.line(report))
                .isEqualTo("Last verification: clean - full, 5,000,000 rows checked, 12 min ago");
        JsonNode json = new ObjectMapper().readTree(new StatusFormatter().json(report)).path("lastVerification");
        assertThat(json.path("ageMillis").asLong()).isEqualTo(720_000);
        assertThat(json.path("scope").path("kind").asText()).isEqualTo("full");
        assertThat(json.path("clean").asBoolean()).isTrue();
        assertThat(json.path("rowsChecked").asLong()).isEqualTo(5_000_000);
        assertThat(json.path("recordedAt").asText()).isEqualTo("2025-03-01T09:48:00Z");

        VerificationSummary sample = verification(Scope.sample(12.5, 42), true, 0, 0, 0, 0, Duration.ofSeconds(3));
        assertThat(VerificationStatus.line(withVerification(Optional.of(sample), Optional.empty())))
                .isEqualTo("Last verification: clean - 12.5% sample, 5,000,000 rows checked, 3 s ago");
    }

    @Test
    void differencesAreCountedByKind() throws Exception {
        VerificationSummary found = verification(Scope.sample(5, 42), false, 3, 1, 2, 0, Duration.ofHours(2));
        StatusReport report = withVerification(Optional.of(found), Optional.empty());

        assertThat(VerificationStatus.line(report)).isEqualTo(
                "Last verification: DIFFERENCES - 3 missing in target, 1 extra, 2 differing (5% sample), 2 h ago");
        assertThat(new StatusFormatter().text(report)).contains("\nLast verification: DIFFERENCES - ");
        JsonNode json = new ObjectMapper().readTree(new StatusFormatter().json(report)).path("lastVerification");
        assertThat(json.path("scope").toString()).isEqualTo("{\"kind\":\"sample\",\"percent\":5.0,\"seed\":42}");
        assertThat(json.path("missingInTarget").asLong()).isEqualTo(3);
        assertThat(json.path("extraInTarget").asLong()).isEqualTo(1);
        assertThat(json.path("differing").asLong()).isEqualTo(2);

        VerificationSummary undecided = verification(Scope.full(), false, 0, 0, 0, 4, Duration.ofMinutes(3));
        assertThat(VerificationStatus.line(withVerification(Optional.of(undecided), Optional.empty())))
                .isEqualTo("Last verification: UNSETTLED - 4 unsettled (full), 3 min ago");

        // not clean, and no row counted: columns of a table differ
        VerificationSummary columns = verification(Scope.full(), false, 0, 0, 0, 0, Duration.ofMinutes(3));
        assertThat(VerificationStatus.line(withVerification(Optional.of(columns), Optional.empty())))
                .isEqualTo("Last verification: DIFFERENCES - columns differ (full), 3 min ago");
    }

    @Test
    void aScheduleSaysWhenTheNextIsDue() throws Exception {
        Optional<VerifySchedule> hourly = Optional.of(new VerifySchedule(Duration.ofHours(1), OptionalDouble.of(5)));
        VerificationSummary recent = verification(Scope.sample(5, 1), true, 0, 0, 0, 0, Duration.ofMinutes(12));
        StatusReport report = withVerification(Optional.of(recent), hourly);

        assertThat(VerificationStatus.line(report)).endsWith(", 12 min ago; next in 48 min");
        JsonNode json = new ObjectMapper().readTree(new StatusFormatter().json(report)).path("verifySchedule");
        assertThat(json.toString()).isEqualTo("{\"every\":\"1h\",\"everySeconds\":3600,\"samplePercent\":5.0,"
                + "\"nextDueInMillis\":2880000}");

        VerificationSummary old = verification(Scope.full(), true, 0, 0, 0, 0, Duration.ofHours(3));
        assertThat(VerificationStatus.line(withVerification(Optional.of(old), hourly)))
                .endsWith(", 3 h ago; next due now");
        assertThat(VerificationStatus.line(withVerification(Optional.empty(), hourly)))
                .isEqualTo("Last verification: none yet (scheduled every 1h, 5% sample)");
        assertThat(VerificationStatus.line(withVerification(Optional.empty(),
                Optional.of(new VerifySchedule(Duration.ofMinutes(90), OptionalDouble.empty())))))
                .isEqualTo("Last verification: none yet (scheduled every 1h30m)");
    }

    private static VerificationSummary verification(Scope scope, boolean clean, long missing, long extra, long differing,
                                                    long unsettled, Duration age) {
        Instant recorded = NOW.minus(age);
        return new VerificationSummary(7, 1, recorded.minusSeconds(60), recorded.minusMillis(10), recorded, scope, clean,
                5_000_000, 40, missing + extra + differing > 0 ? 1 : 0, missing, extra, differing, unsettled);
    }

    private static StatusReport withVerification(Optional<VerificationSummary> last, Optional<VerifySchedule> schedule) {
        return new StatusReport(new MigrationRecord(1, "orders", Phase.STREAMING, NOW, NOW), Phase.STREAMING, List.of(),
                Optional.empty(), last, schedule, List.of(), List.of(), ChainCheck.intact(0), NOW);
    }

    @Test
    void whereTrafficGoesTheRoutersAndTheStreamBackAreShown() throws Exception {
        RouteState paused = new RouteState(Route.PAUSED, 4, Optional.of(Route.TARGET), Optional.of(NOW.plusSeconds(15)),
                "alice", NOW);
        RouterReport router = new RouterReport("app-1", Route.PAUSED, 4, 0, 2, 1, Duration.ofMillis(300));
        StreamState back = new StreamState("slot_r", "slot_r", Optional.of("0/20"), Optional.of("0/30"), Optional.of(0L),
                Optional.of(120L), 42, Optional.of(NOW), Optional.empty(), Optional.empty(), Optional.empty());
        StatusReport report = new StatusReport(new MigrationRecord(1, "orders", Phase.ROLLING_BACK, NOW, NOW),
                Phase.ROLLING_BACK, List.of(), Optional.empty(), Optional.empty(), Optional.empty(), List.of(), List.of(),
                ChainCheck.intact(0), NOW, Optional.empty(),
                new StatusReport.Traffic(Optional.of(paused), List.of(router), Optional.of(back), Optional.empty()));

        String text = new StatusFormatter().text(report);

        assertThat(text).contains("traffic   PAUSED (change 4, by alice at ")
                .contains("then TARGET); 1 router(s)")
                .contains("app-1: saw PAUSED (change 4), 0 in flight on the source, 2 on the target, 1 held")
                .contains("stream back  slot slot_r, 42 changes applied to the source, 120 ms behind");
        JsonNode traffic = new ObjectMapper().readTree(new StatusFormatter().json(report)).path("traffic");
        assertThat(traffic.path("route").asText()).isEqualTo("PAUSED");
        assertThat(traffic.path("resumeTo").asText()).isEqualTo("TARGET");
        assertThat(traffic.path("routers").get(0).path("targetInFlight").asInt()).isEqualTo(2);
        assertThat(traffic.path("streamBack").path("eventsApplied").asLong()).isEqualTo(42);
    }

    @Test
    void aWindowHeldByAPauseTriggerSaysWhoHoldsItAndWhatUndoesIt() throws Exception {
        RouteState onTarget = new RouteState(Route.TARGET, 5, Optional.empty(), Optional.empty(), "daemon", NOW);
        CutoverHold hold = new CutoverHold("slow_checkout", "Ana Lima", "p99 latency 612 ms is above 400 ms", NOW);
        StatusReport report = new StatusReport(new MigrationRecord(1, "orders", Phase.CUT_OVER, NOW, NOW),
                Phase.CUT_OVER, List.of(), Optional.empty(), Optional.empty(), Optional.empty(), List.of(), List.of(),
                ChainCheck.intact(0), NOW, Optional.empty(),
                new StatusReport.Traffic(Optional.of(onTarget), List.of(), Optional.empty(), Optional.of(hold)));

        assertThat(new StatusFormatter().text(report)).contains("HELD by trigger slow_checkout (owner Ana Lima) since ")
                .contains(": p99 latency 612 ms is above 400 ms; safeshift complete is refused until someone rolls back"
                        + " or completes with --despite-hold");
        JsonNode json = new ObjectMapper().readTree(new StatusFormatter().json(report)).path("traffic").path("hold");
        assertThat(json.path("trigger").asText()).isEqualTo("slow_checkout");
        assertThat(json.path("owner").asText()).isEqualTo("Ana Lima");
    }

    @Test
    void beforeAnyCutoverThereIsNoTrafficLine() {
        assertThat(new StatusFormatter().text(withVerification(Optional.empty(), Optional.empty()))).doesNotContain("traffic");
    }

    @Test
    void ageIsShownInWholeUnits() {
        assertThat(StatusFormatter.ago(3_400)).isEqualTo("3 s ago");
        assertThat(StatusFormatter.ago(119_999)).isEqualTo("119 s ago");
        assertThat(StatusFormatter.ago(300_000)).isEqualTo("5 min ago");
        assertThat(StatusFormatter.ago(3 * 3_600_000)).isEqualTo("3 h ago");
        assertThat(StatusFormatter.seconds(2_500)).isEqualTo("2.5 s");
        assertThat(StatusFormatter.span(300_000)).isEqualTo("5 min");
        assertThat(VerificationStatus.percent(5.0)).isEqualTo("5%");
        assertThat(VerificationStatus.percent(0.25)).isEqualTo("0.25%");
    }

    @Test
    void aTableIsOnlyCompleteWhenEveryChunkIsDone() {
        assertThat(new TableProgress("t", 1, 2, 1_200, 1_000).percent()).isEqualTo(99.9);
        assertThat(new TableProgress("t", 2, 2, 900, 1_000).percent()).isEqualTo(100.0);
        assertThat(new TableProgress("t", 1, 4, 0, 0).percent()).isEqualTo(25.0);
        assertThat(new TableProgress("t", 0, 0, 0, 0).percent()).isZero();
    }
}
