package dev.safeshift.cli;

import static dev.safeshift.cli.Databases.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.safeshift.SafeshiftException;
import dev.safeshift.app.Migration;
import dev.safeshift.engine.Engines;
import dev.safeshift.plan.ControlSpec;
import dev.safeshift.plan.CopySettings;
import dev.safeshift.plan.CutoverSettings;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.Plan;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.plan.TableSpec;
import dev.safeshift.router.RouteUnavailableException;
import dev.safeshift.router.RoutedConnection;
import dev.safeshift.router.RoutingDataSource;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.Phase;
import dev.safeshift.store.Route;
import dev.safeshift.store.TimelineEvent;
import dev.safeshift.store.TriggerRecord;
import dev.safeshift.testing.EmbeddedPostgres;
import dev.safeshift.trigger.Condition;
import dev.safeshift.trigger.Metric;
import dev.safeshift.trigger.OnInconclusive;
import dev.safeshift.trigger.ProviderKind;
import dev.safeshift.trigger.TriggerAction;
import dev.safeshift.trigger.TriggerSpec;
import dev.safeshift.verify.Scope;
import dev.safeshift.verify.VerifyListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Relative triggers ({@code latency_p99 > 2x baseline}) on real traffic: an application's calls go
 * through safeshift-jdbc's routing DataSource to real databases, its routers publish their
 * latencies, the daemon measures the baselines on the source when the cutover is asked for and
 * evaluates the triggers on the target after it. The slowness is made on the target only, by the
 * database functions the application calls, so every figure a trigger sees is measured, none is
 * written by the test.
 *
 * <p>Each function the application calls waits a little with {@code pg_sleep}, on both sides. A
 * checkout takes 50 ms: a busy test machine adds tens of milliseconds to a p99 now and then, which
 * must not double checkout's p99 (its baseline is at least 50 ms, and twice that is a threshold of
 * 100 ms or more), while a slowed checkout takes half a second.
 */
class RelativeTriggerIT {

    private static final QualifiedName LEDGER = new QualifiedName("public", "ledger");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How long a checkout takes, on both sides, unless it is slowed. */
    private static final double CHECKOUT_SECONDS = 0.05;
    /** One checkout in ten takes this long while checkout is slowed: far more than 1% of calls, so the p99. */
    private static final double SLOW_CHECKOUT_SECONDS = 0.5;
    /** How long the other calls take (fraud checks on the source, reports). */
    private static final double OTHER_CALL_SECONDS = 0.02;
    /** Every fraud check takes this long on the target: so long that a window holds only a few of them. */
    private static final double SLOW_FRAUD_CHECK_SECONDS = 0.5;

    private static final int MIN_SAMPLES = 20;
    /**
     * Breaches in a row that fire the checkout trigger. A slowdown that is ended as soon as one
     * evaluation sees it stays in the 2s windows of four or five evaluations (the one that saw it,
     * the calls still sleeping when it ended, the router's second of reporting, the window's two
     * seconds): seven leaves room for a slow machine, and one that lasts fires within ten seconds.
     */
    private static final int CHECKOUT_CONSECUTIVE = 7;

    private static final String CHECKOUT = "SELECT public.checkout(?)";
    private static final String FRAUD_CHECK = "SELECT public.fraud_check(?)";
    private static final String DAILY_REPORT = "SELECT public.daily_report(?)";
    private static final String INSERT = "INSERT INTO public.ledger (account, amount) VALUES (?, 1)";

    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    /** A {@code latency_p99 > 2x baseline} trigger on the patterns matching {@code pattern}, every 1s over 2s. */
    private static TriggerSpec slowerThanTwiceTheBaseline(String name, String pattern, int consecutive,
                                                          TriggerAction action) {
        return new TriggerSpec(name, Metric.LATENCY_P99, ProviderKind.ROUTER, Optional.of(pattern),
                Condition.parse("> 2x baseline", Metric.LATENCY_P99), Duration.ofSeconds(1), Duration.ofSeconds(2),
                MIN_SAMPLES, consecutive, action, Optional.of("Ana Lima"),
                action == TriggerAction.ROLLBACK ? Optional.of(Duration.ofMinutes(1)) : Optional.empty(),
                OnInconclusive.WAIT);
    }

    /**
     * The functions the application calls, on one side, with checkout as it normally is. They are
     * PL/pgSQL, whose body each call reads afresh, so a replaced function takes effect on the next
     * call, even in a prepared statement.
     */
    private static void functions(Endpoint database, double fraudCheckSeconds) throws Exception {
        checkout(database, CHECKOUT_SECONDS);
        sql(database, "CREATE OR REPLACE FUNCTION public.fraud_check(account_id int) RETURNS boolean LANGUAGE plpgsql AS $$"
                        + " BEGIN PERFORM pg_sleep(" + fraudCheckSeconds + "); RETURN account_id > 0; END $$",
                "CREATE OR REPLACE FUNCTION public.daily_report(day int) RETURNS int LANGUAGE plpgsql AS $$"
                        + " BEGIN PERFORM pg_sleep(" + OTHER_CALL_SECONDS + "); RETURN day; END $$");
    }

    /** Checkout reads the ledger; one account in ten takes {@code tenthSeconds} (slowed when more than the usual). */
    private static void checkout(Endpoint database, double tenthSeconds) throws Exception {
        sql(database, "CREATE OR REPLACE FUNCTION public.checkout(account_id int) RETURNS int LANGUAGE plpgsql AS $$"
                + " BEGIN PERFORM pg_sleep(CASE WHEN account_id % 10 = 0 THEN " + tenthSeconds + " ELSE "
                + CHECKOUT_SECONDS + " END);"
                + " RETURN (SELECT amount FROM public.ledger WHERE id = account_id); END $$");
    }

    private HikariDataSource pool(Endpoint database, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(database.url());
        config.setUsername(database.user());
        config.setMaximumPoolSize(size);
        HikariDataSource pool = new HikariDataSource(config);
        opened.add(pool);
        return pool;
    }

    /**
     * One kind of call the application makes, in a loop on a thread of its own: a connection from
     * the router per call, closed after it, as a pool's user does.
     */
    private static final class Caller implements AutoCloseable {
        final AtomicInteger onSource = new AtomicInteger();
        final AtomicInteger onTarget = new AtomicInteger();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        final AtomicBoolean running = new AtomicBoolean(true);
        final CompletableFuture<Void> done;

        /** @param sourceOnly the call is made only while the route leads to the source (a report the target never gets) */
        Caller(RoutingDataSource router, String sql, boolean sourceOnly) {
            this.done = CompletableFuture.runAsync(() -> {
                int n = 0;
                while (running.get()) {
                    n++;
                    try (RoutedConnection connection = router.getConnection()) {
                        boolean onTheSource = connection.side() == dev.safeshift.router.Route.SOURCE;
                        if (onTheSource || !sourceOnly) {
                            try (PreparedStatement call = connection.prepareStatement(sql)) {
                                call.setInt(1, n % 1000 + 1); // accounts 1 to 1000, one in ten a multiple of 10
                                call.execute();
                            }
                            (onTheSource ? onSource : onTarget).incrementAndGet();
                        }
                    } catch (RouteUnavailableException e) {
                        // held past maxHold during a switch: nothing was sent, the application tries again
                    } catch (SQLException | RuntimeException e) {
                        failures.add(e);
                    }
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        int calls() {
            return onSource.get() + onTarget.get();
        }

        @Override
        public void close() throws Exception {
            running.set(false);
            done.get(30, TimeUnit.SECONDS);
        }
    }

    private Caller caller(RoutingDataSource router, String sql, boolean sourceOnly) {
        Caller caller = new Caller(router, sql, sourceOnly);
        opened.add(caller);
        return caller;
    }

    private static List<TriggerRecord> evaluationsOf(ControlStore store, long id, String trigger) {
        return store.evaluations(id).stream().filter(evaluation -> evaluation.trigger().equals(trigger)).toList();
    }

    private static List<JsonNode> events(ControlStore store, long id, String kind) {
        return store.timeline(id).stream().filter(event -> event.kind().equals(kind)).map(RelativeTriggerIT::detail)
                .toList();
    }

    private static JsonNode detail(TimelineEvent event) {
        try {
            return JSON.readTree(event.detail());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The timeline and the evaluations, for a failure message that says what the triggers saw. */
    private static String story(ControlStore store, long id) {
        return "timeline: " + store.timeline(id).stream().filter(event -> !event.kind().startsWith("chunk"))
                .map(event -> event.kind() + " " + event.detail()).toList() + "; baselines: " + store.baselines(id)
                + "; evaluations: " + store.evaluations(id);
    }

    /** Waits for {@code condition}; on a timeout the failure says what the triggers saw. */
    private static void awaitTriggers(ControlStore store, long id, Duration atMost, String what,
                                      java.util.concurrent.Callable<Boolean> condition) {
        try {
            await().atMost(atMost).pollInterval(Duration.ofMillis(50)).until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("not within " + atMost + ": " + what + "; " + story(store, id), e);
        }
    }

    @Test
    void aP99TwiceTheBaselineRollsBackOnlyWhenSlowCallsAreEnoughAndLastAndMissingFiguresDecideNothing() throws Exception {
        Endpoint source = EmbeddedPostgres.newDatabase("rel_trig_source");
        Endpoint target = EmbeddedPostgres.newDatabase("rel_trig_target");
        sql(source, "CREATE TABLE public.ledger (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
                        + " account int NOT NULL, amount int NOT NULL)",
                "INSERT INTO public.ledger (account, amount) SELECT g, g FROM generate_series(1, 1000) g");
        functions(source, OTHER_CALL_SECONDS);
        // on the target, fraud checks are slow from the start; checkout is slowed later, by the test
        functions(target, SLOW_FRAUD_CHECK_SECONDS);

        TriggerSpec checkout = slowerThanTwiceTheBaseline("slow_checkout", "public.checkout(", CHECKOUT_CONSECUTIVE,
                TriggerAction.ROLLBACK);
        // one breach would fire these two at once: only min-samples and the missing figures stop them
        TriggerSpec fraudCheck = slowerThanTwiceTheBaseline("slow_fraud_check", "fraud_check", 1, TriggerAction.ALERT);
        TriggerSpec dailyReport = slowerThanTwiceTheBaseline("slow_daily_report", "daily_report", 1,
                TriggerAction.ALERT);
        Plan plan = new Plan(null, "rel_trig", source, target, List.of(new TableSpec(LEDGER, LEDGER, List.of())),
                new ControlSpec(Optional.empty(), ControlSpec.DEFAULT_SCHEMA), new CopySettings(2, 1_000),
                Optional.empty(), List.of())
                .withCutover(CutoverSettings.DEFAULTS.withTriggers(List.of(checkout, fraudCheck, dailyReport)));

        try (ControlStore store = ControlStore.open(target, ControlSpec.DEFAULT_SCHEMA);
             DaemonThread daemon = DaemonThread.start(plan, store, Engines.forEndpoints(source, target))) {
            assertThat(daemon.awaitStreaming(store, "rel_trig")).isNull();
            long id = store.require("rel_trig").id();
            RoutingDataSource router = RoutingDataSource.builder().source(pool(source, 8)).target(pool(target, 8))
                    .control(pool(target, 2)).migration("rel_trig").build();
            opened.add(router);
            Caller writer = caller(router, INSERT, false);
            Caller checkouts = caller(router, CHECKOUT, false);
            Caller moreCheckouts = caller(router, CHECKOUT, false);
            Caller evenMoreCheckouts = caller(router, CHECKOUT, false);
            Caller fraudChecks = caller(router, FRAUD_CHECK, false);
            await().atMost(Duration.ofSeconds(30)).until(() -> checkouts.calls() > 40 && fraudChecks.calls() > 100);
            assertThat(new Migration(plan, "test").verify(List.of(), Scope.full(), 2, VerifyListener.NONE).clean())
                    .isTrue();

            // A relative trigger whose pattern has no calls on the source has no baseline, and could never
            // decide: the cutover is refused before anything is held.
            SafeshiftException refused = catchThrowableOfType(SafeshiftException.class,
                    () -> new Migration(plan, "test").cutover());
            assertThat(refused).hasMessageContaining("nothing was held")
                    .hasMessageContaining("trigger slow_daily_report compares with a baseline, but the source's"
                            + " latency_p99 over the last 2s rests on 0 samples (min-samples 20): no statements recorded"
                            + " on the source for patterns matching 'daily_report' in this 2s window")
                    .hasMessageNotContaining("slow_checkout").hasMessageNotContaining("slow_fraud_check");
            assertThat(store.require("rel_trig").phase()).isEqualTo(Phase.STREAMING);
            assertThat(store.route(id)).as("no route was ever set, so none was paused").isEmpty();
            assertThat(store.timeline(id)).extracting(TimelineEvent::kind).noneMatch(kind -> kind.startsWith("cutover-"));
            assertThat(store.baselines(id)).filteredOn(baseline -> baseline.trigger().equals("slow_daily_report"))
                    .singleElement().satisfies(baseline -> {
                        assertThat(baseline.value()).isEmpty();
                        assertThat(baseline.samples()).isZero();
                    });

            // The report runs on the source only: it gets a baseline, and never a call on the target. Two
            // threads, so that even a window holding a single one of the router's one-second samples has
            // min-samples calls.
            Caller reports = caller(router, DAILY_REPORT, true);
            Caller moreReports = caller(router, DAILY_REPORT, true);
            await().atMost(Duration.ofSeconds(30)).until(() -> Long.parseLong(Databases.scalar(target,
                    "SELECT coalesce(sum(calls), 0) FROM safeshift.router_sample WHERE side = 'SOURCE'"
                            + " AND pattern LIKE '%daily_report%' AND interval_end > clock_timestamp() - interval '2s'"))
                    >= 2 * MIN_SAMPLES);
            Migration.SwitchAnswer cutover = new Migration(plan, "test").cutover();
            assertThat(cutover.switched()).as(cutover.text()).isTrue();

            // Below min-samples, a fraud check far slower than twice its baseline is inconclusive, not a
            // breach; without a single call, the report is inconclusive, not a pass.
            awaitTriggers(store, id, Duration.ofSeconds(30), "three evaluations of the fraud check resting on calls"
                    + " and three of the report", () -> evaluationsOf(store, id, "slow_fraud_check").stream()
                    .filter(evaluation -> evaluation.samples() > 0).count() >= 3
                    && evaluationsOf(store, id, "slow_daily_report").size() >= 3);
            assertThat(fraudChecks.onTarget.get()).as("fraud checks ran on the target").isPositive();

            // Checkout passes on the target as it is: its p99 is about its baseline's.
            awaitTriggers(store, id, Duration.ofSeconds(30), "checkout passing on the target", () ->
                    evaluationsOf(store, id, "slow_checkout").stream().anyMatch(e -> e.verdict().equals("PASS")));

            // A short slowdown of checkout: ended as soon as one evaluation sees it, it breaches fewer times in a
            // row than fire the trigger, and is a near-miss.
            int nearMissesBefore = events(store, id, "trigger-near-miss").size();
            Instant shortSlowdown = Instant.now();
            checkout(target, SLOW_CHECKOUT_SECONDS);
            double slowMillis = SLOW_CHECKOUT_SECONDS * 1000 * 0.95;
            awaitTriggers(store, id, Duration.ofSeconds(30), "a breach of checkout by its slowed calls", () ->
                    evaluationsOf(store, id, "slow_checkout").stream().anyMatch(e -> e.at().isAfter(shortSlowdown)
                            && e.verdict().equals("BREACH") && e.value().getAsDouble() > slowMillis));
            checkout(target, CHECKOUT_SECONDS);
            awaitTriggers(store, id, Duration.ofSeconds(30), "a near-miss of checkout after its short slowdown", () ->
                    events(store, id, "trigger-near-miss").size() > nearMissesBefore);
            TimelineEvent nearMissEvent = store.timeline(id).stream()
                    .filter(event -> event.kind().equals("trigger-near-miss")).toList().get(nearMissesBefore);
            JsonNode nearMiss = detail(nearMissEvent);
            List<TriggerRecord> shortSlowdownBreaches = evaluationsOf(store, id, "slow_checkout").stream()
                    .filter(e -> e.at().isAfter(shortSlowdown) && !e.at().isAfter(nearMissEvent.at())
                            && e.verdict().equals("BREACH")).toList();
            assertThat(nearMiss.path("trigger").asText()).isEqualTo("slow_checkout");
            assertThat(nearMiss.path("consecutiveToFire").asInt()).isEqualTo(CHECKOUT_CONSECUTIVE);
            assertThat(nearMiss.path("breachesInARow").asInt()).as(story(store, id))
                    .isBetween(1, CHECKOUT_CONSECUTIVE - 1).isGreaterThanOrEqualTo(shortSlowdownBreaches.size());
            assertThat(nearMiss.path("reason").asText()).contains("is above", "x the baseline of",
                    nearMiss.path("breachesInARow").asInt() + " of " + CHECKOUT_CONSECUTIVE + " consecutive breaches");
            assertThat(shortSlowdownBreaches).as("the short slowdown is what the near-miss saw")
                    .noneMatch(TriggerRecord::fired)
                    .anySatisfy(breach -> assertThat(breach.value().getAsDouble()).isGreaterThan(slowMillis));
            assertThat(events(store, id, "trigger-fired")).isEmpty();
            assertThat(store.require("rel_trig").phase()).isEqualTo(Phase.CUT_OVER);

            // A lasting slowdown of checkout fires the trigger, and the daemon rolls back by itself.
            Instant lastingSlowdown = Instant.now();
            checkout(target, SLOW_CHECKOUT_SECONDS);
            awaitTriggers(store, id, Duration.ofSeconds(60), "an automatic rollback", () ->
                    store.require("rel_trig").phase() == Phase.STREAMING
                            && store.timeline(id).stream().anyMatch(event -> event.kind().equals("rollback-switched")));
            assertThat(store.route(id).orElseThrow().route()).isEqualTo(Route.SOURCE);
            int checkoutsOnTarget = checkouts.onTarget.get();
            int checkoutsOnSource = checkouts.onSource.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> checkouts.onSource.get() > checkoutsOnSource + 50);
            assertThat(checkouts.onTarget.get()).as("no checkout goes to the target after the rollback")
                    .isEqualTo(checkoutsOnTarget);

            double baseline = store.baselines(id).stream().filter(b -> b.trigger().equals("slow_checkout"))
                    .findFirst().orElseThrow().value().orElseThrow();
            assertThat(baseline).as("checkout's baseline: its p99 on the source, about its normal duration")
                    .isBetween(CHECKOUT_SECONDS * 1000, SLOW_CHECKOUT_SECONDS * 1000 / 2);
            List<TriggerRecord> fired = evaluationsOf(store, id, "slow_checkout").stream().filter(TriggerRecord::fired)
                    .toList();
            assertThat(fired).as(story(store, id)).singleElement().satisfies(evaluation -> {
                assertThat(evaluation.at()).isAfter(lastingSlowdown);
                assertThat(evaluation.verdict()).isEqualTo("BREACH");
                assertThat(evaluation.threshold()).hasValueCloseTo(2 * baseline, within(1e-6));
                assertThat(evaluation.value().getAsDouble()).isGreaterThan(evaluation.threshold().getAsDouble())
                        .isGreaterThan(slowMillis);
                assertThat(evaluation.samples()).isGreaterThanOrEqualTo(MIN_SAMPLES);
                assertThat(evaluation.consecutive()).isEqualTo(CHECKOUT_CONSECUTIVE);
                assertThat(evaluation.reason()).contains("p99 latency", "is above", "2x the baseline of",
                        CHECKOUT_CONSECUTIVE + " of " + CHECKOUT_CONSECUTIVE + " consecutive breaches",
                        "the trigger fires (rollback)");
            });
            assertThat(events(store, id, "trigger-fired")).singleElement().satisfies(event -> {
                assertThat(event.path("trigger").asText()).isEqualTo("slow_checkout");
                assertThat(event.path("action").asText()).isEqualTo("rollback");
                assertThat(event.path("owner").asText()).isEqualTo("Ana Lima");
            });
            assertThat(events(store, id, "trigger-deadline")).singleElement()
                    .satisfies(event -> assertThat(event.path("met").asBoolean()).isTrue());

            // The fraud check: only inconclusive evaluations, those resting on calls saying too few, with a
            // value above the threshold; never fired, though one breach would have fired it.
            List<TriggerRecord> fraud = evaluationsOf(store, id, "slow_fraud_check");
            assertThat(fraud).as(story(store, id)).isNotEmpty()
                    .allSatisfy(evaluation -> {
                        assertThat(evaluation.verdict()).isEqualTo("INCONCLUSIVE");
                        assertThat(evaluation.fired()).isFalse();
                        assertThat(evaluation.samples()).isLessThan(MIN_SAMPLES);
                    });
            assertThat(fraud).filteredOn(evaluation -> evaluation.samples() > 0).hasSizeGreaterThanOrEqualTo(3)
                    .allSatisfy(evaluation -> {
                        assertThat(evaluation.reason()).startsWith("inconclusive: only " + evaluation.samples()
                                + (evaluation.samples() == 1 ? " call" : " calls") + ", fewer than min-samples 20");
                        assertThat(evaluation.value().getAsDouble()).as("it would be a breach")
                                .isGreaterThan(evaluation.threshold().getAsDouble());
                    });

            // The report: no figures on the target, so every evaluation is inconclusive and says why.
            assertThat(evaluationsOf(store, id, "slow_daily_report")).as(story(store, id))
                    .hasSizeGreaterThanOrEqualTo(3).allSatisfy(evaluation -> {
                        assertThat(evaluation.verdict()).isEqualTo("INCONCLUSIVE");
                        assertThat(evaluation.value()).isEmpty();
                        assertThat(evaluation.samples()).isZero();
                        assertThat(evaluation.threshold()).as("the baseline was measured").isPresent();
                        assertThat(evaluation.reason()).startsWith("inconclusive: no p99 latency data (no statements"
                                + " recorded on the target for patterns matching 'daily_report' in this 2s window)");
                    });
            assertThat(reports.onTarget.get() + moreReports.onTarget.get()).isZero();
            assertThat(reports.onSource.get()).isPositive();

            for (Caller caller : List.of(writer, checkouts, moreCheckouts, evenMoreCheckouts, fraudChecks, reports,
                    moreReports)) {
                caller.close();
                assertThat(caller.failures).isEmpty();
            }
            assertThat(daemon.failure()).isNull();
            System.out.println("relative trigger: near-miss " + nearMiss + "; fired: " + fired.get(0).reason()
                    + "; fraud check: " + fraud.get(fraud.size() - 1).reason());
        }
    }
}
