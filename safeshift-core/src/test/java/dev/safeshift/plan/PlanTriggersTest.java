package dev.safeshift.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.safeshift.trigger.Condition;
import dev.safeshift.trigger.Metric;
import dev.safeshift.trigger.OnInconclusive;
import dev.safeshift.trigger.ProviderKind;
import dev.safeshift.trigger.TriggerAction;
import dev.safeshift.trigger.TriggerSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plan's {@code cutover.triggers}: read into records, and every mistake reported at its line and column. */
class PlanTriggersTest {

    /** The minimal plan is 9 lines long, so a cutover section appended to it starts on line 10. */
    private static final String TRIGGERS = PlanFiles.MINIMAL + "cutover:\n  triggers:\n";

    @TempDir
    Path dir;

    private Path file;

    private PlanException error(String yaml) {
        file = PlanFiles.write(dir, yaml);
        return catchThrowableOfType(PlanException.class, () -> PlanLoader.load(file, PlanFiles.ENVIRONMENT));
    }

    private String at(int line, int column) {
        return file + ":" + line + ":" + column + ": ";
    }

    @Test
    void readsEveryFieldOfATrigger() {
        Plan plan = PlanFiles.load(dir, TRIGGERS + """
                    - name: payment_errors
                      metric: error_rate
                      provider: router
                      pattern: update payments set
                      condition: '>= 2.5%'
                      interval: 15s
                      window: 2m
                      min-samples: 100
                      consecutive: 2
                      action: rollback
                      owner: Ana Lima
                      deadline: 2m
                      on-inconclusive: breach
                """);

        assertThat(plan.cutover().triggers()).containsExactly(new TriggerSpec("payment_errors", Metric.ERROR_RATE,
                ProviderKind.ROUTER, Optional.of("update payments set"),
                new Condition(Condition.Operator.GREATER_OR_EQUAL, 2.5, false, Metric.Unit.PERCENT),
                Duration.ofSeconds(15), Duration.ofMinutes(2), 100, 2, TriggerAction.ROLLBACK, Optional.of("Ana Lima"),
                Optional.of(Duration.ofMinutes(2)), OnInconclusive.BREACH));
        assertThat(plan.cutover().writePauseBudget()).as("the section's other fields keep their defaults")
                .isEqualTo(CutoverSettings.DEFAULTS.writePauseBudget());
    }

    @Test
    void fillsTheDefaultsOfATriggerAndKeepsThePlansOrder() {
        Plan plan = PlanFiles.load(dir, TRIGGERS + """
                    - name: slow_checkout
                      metric: latency_p99
                      condition: '> 2x baseline'
                      action: alert
                    - name: traffic
                      metric: throughput
                      condition: < 5/s
                      action: pause
                """);

        assertThat(plan.cutover().triggers()).extracting(TriggerSpec::name).containsExactly("slow_checkout", "traffic");
        assertThat(plan.cutover().triggers().get(0)).isEqualTo(TriggerSpec.of("slow_checkout", Metric.LATENCY_P99,
                Condition.parse("> 2x baseline", Metric.LATENCY_P99), TriggerAction.ALERT, Optional.empty()));
        assertThat(plan.cutover().triggers().get(1).condition()).hasToString("< 5/s");
    }

    @Test
    void readsASqlTriggerWithItsQueryAndOneSampleAsTheDefaultMinimum() {
        Plan plan = PlanFiles.load(dir, TRIGGERS + """
                    - name: slow_payments
                      metric: latency_p95
                      provider: sql
                      query: select max(mean_ms) as value from payment_stats
                      condition: '> 300ms'
                      action: alert
                """);

        TriggerSpec trigger = plan.cutover().triggers().get(0);
        assertThat(trigger.provider()).isEqualTo(ProviderKind.SQL);
        assertThat(trigger.providerQuery()).contains("select max(mean_ms) as value from payment_stats");
        assertThat(trigger.minSamples()).as("a query's value is one sample unless it says otherwise").isEqualTo(1);
        assertThat(trigger.pattern()).isEmpty();
    }

    @Test
    void readsALagTriggerWithAConditionInSeconds() {
        Plan plan = PlanFiles.load(dir, TRIGGERS + """
                    - name: stream_back_behind
                      metric: lag
                      provider: lag
                      condition: '> 30s'
                      min-samples: 1
                      action: rollback
                      deadline: 2m
                """);

        TriggerSpec trigger = plan.cutover().triggers().get(0);
        assertThat(trigger.provider()).isEqualTo(ProviderKind.LAG);
        assertThat(trigger.condition()).isEqualTo(new Condition(Condition.Operator.GREATER, 30_000, false,
                Metric.Unit.MILLISECONDS));
        assertThat(trigger.providerQuery()).isEmpty();
    }

    @Test
    void aWrittenMinSamplesWinsOverTheProvidersDefault() {
        Plan plan = PlanFiles.load(dir, TRIGGERS + """
                    - name: busy
                      metric: throughput
                      provider: sql
                      query: select sum(calls) / {window_seconds}.0 as value, sum(calls) as samples from calls
                      condition: '< 5/s'
                      min-samples: 20
                      action: alert
                """);

        assertThat(plan.cutover().triggers().get(0).minSamples()).isEqualTo(20);
    }

    @Test
    void aMetricTheProviderDoesNotOfferNamesTheProvidersThatDo() {
        PlanException e = error(TRIGGERS + """
                    - name: errors
                      metric: error_rate
                      provider: lag
                      condition: '> 2%'
                      action: alert
                """);

        assertThat(e).hasMessage(at(14, 17) + "cutover.triggers[0].provider: provider lag has no metric error_rate; it "
                + "offers lag. Write provider: router or provider: sql or provider: prometheus for error_rate, or choose a "
                + "metric the provider offers.");
    }

    @Test
    void theLagMetricComesOnlyFromTheLagProvider() {
        PlanException e = error(TRIGGERS + """
                    - name: behind
                      metric: lag
                      condition: '> 30s'
                      action: alert
                """);

        assertThat(e.getMessage()).contains("cutover.triggers[0].provider: provider router has no metric lag; it offers "
                + "error_rate, latency_p50, latency_p95, latency_p99, latency_max, throughput. Write provider: lag for lag");
        assertThat(e.line()).as("the entry, since the provider is not written").isEqualTo(12);
    }

    @Test
    void aSqlTriggerWithoutAQueryIsRefused() {
        PlanException e = error(TRIGGERS + """
                    - name: payments
                      metric: throughput
                      provider: sql
                      condition: '< 1/s'
                      action: alert
                """);

        assertThat(e).hasMessage(at(12, 7) + "missing field 'query' in 'cutover.triggers[0]': provider sql runs the "
                + "trigger's own query, a SQL query returning one row whose column value is the metric. Add it, for "
                + "example: query: select count(*) / {window_seconds}.0 as value from payments where created_at > now()"
                + " - interval '1 second' * {window_seconds}.");
        assertThat(e.field()).isEqualTo("cutover.triggers[0].query");
    }

    @Test
    void aQueryForAProviderThatRunsNoneIsRefused() {
        PlanException e = error(TRIGGERS + """
                    - name: errors
                      metric: error_rate
                      query: select 1
                      condition: '> 2%'
                      action: alert
                """);

        assertThat(e).hasMessage(at(14, 14) + "cutover.triggers[0].query is set, but provider router runs no query of "
                + "the plan's. Remove query, or write provider: sql or provider: prometheus to run it.");
    }

    @Test
    void aBlankQueryIsRefused() {
        PlanException e = error(TRIGGERS + """
                    - name: payments
                      metric: throughput
                      provider: sql
                      query: ' '
                      condition: '< 1/s'
                      action: alert
                """);

        assertThat(e.getMessage()).contains("cutover.triggers[0].query is blank.");
    }

    @Test
    void aPatternOnlyFiltersTheRoutersFigures() {
        PlanException e = error(TRIGGERS + """
                    - name: payments
                      metric: throughput
                      provider: sql
                      query: select 1.0 as value
                      pattern: update payments
                      condition: '< 1/s'
                      action: alert
                """);

        assertThat(e).hasMessage(at(16, 16) + "cutover.triggers[0].pattern filters the query patterns the routers "
                + "record, and provider sql has none. Remove it, and choose the statements in the trigger's query "
                + "instead.");
    }

    @Test
    void readsAPrometheusTriggerAndTheServerItAsks() {
        Plan plan = PlanFiles.load(dir, PlanFiles.MINIMAL + """
                cutover:
                  prometheus:
                    url: http://prometheus.internal:9090/
                  triggers:
                    - name: checkout_errors
                      metric: error_rate
                      provider: prometheus
                      query: sum(rate(errors_total{db="{side}"}[{window}])) / sum(rate(requests_total[{window}])) * 100
                      condition: '> 1%'
                      action: alert
                """);

        TriggerSpec trigger = plan.cutover().triggers().get(0);
        assertThat(trigger.provider()).isEqualTo(ProviderKind.PROMETHEUS);
        assertThat(trigger.providerQuery()).contains("sum(rate(errors_total{db=\"{side}\"}[{window}])) / "
                + "sum(rate(requests_total[{window}])) * 100");
        assertThat(trigger.minSamples()).isEqualTo(1);
        assertThat(plan.cutover().prometheus()).map(p -> p.api("query").toString())
                .contains("http://prometheus.internal:9090/api/v1/query");
    }

    @Test
    void aPrometheusTriggerWithoutAServerIsRefused() {
        PlanException e = error(TRIGGERS + """
                    - name: checkout_errors
                      metric: error_rate
                      provider: prometheus
                      query: sum(rate(errors_total[{window}]))
                      condition: '> 1%'
                      action: alert
                """);

        assertThat(e).hasMessage(at(14, 17) + "missing section 'prometheus' in 'cutover': trigger checkout_errors "
                + "reads provider prometheus, so Safeshift needs to know which Prometheus to ask. Add it, for example: "
                + "prometheus: {url: http://prometheus.internal:9090}.");
        assertThat(e.field()).isEqualTo("cutover.prometheus");
    }

    @Test
    void aPrometheusServerThatNoTriggerAsksIsRefused() {
        PlanException e = error(PlanFiles.MINIMAL + """
                cutover:
                  prometheus:
                    url: http://prometheus.internal:9090
                """);

        assertThat(e).hasMessage(at(11, 3) + "cutover.prometheus is set but no trigger has provider: prometheus, so it "
                + "would never be asked. Remove it, or add a trigger that reads provider prometheus.");
    }

    @Test
    void aPrometheusUrlIsAnHttpAddress() {
        String triggers = """
                  triggers:
                    - name: errors
                      metric: error_rate
                      provider: prometheus
                      query: vector(1)
                      condition: '> 1%'
                      action: alert
                """;
        PlanException e = error(PlanFiles.MINIMAL + "cutover:\n  prometheus:\n    url: prometheus:9090\n" + triggers);
        PlanException withCredentials = error(PlanFiles.MINIMAL + "cutover:\n  prometheus:\n"
                + "    url: https://admin:secret@prometheus.internal\n" + triggers);

        assertThat(e.getMessage()).startsWith(at(12, 10) + "cutover.prometheus.url is not the address of a Prometheus "
                + "server: a Prometheus URL is http:// or https:// and a host, not prometheus:9090. Write the server's "
                + "base address, http:// or https:// and a host, such as http://prometheus.internal:9090, without "
                + "credentials.");
        assertThat(withCredentials.getMessage()).contains("a Prometheus URL carries no user or password")
                .doesNotContain("secret");
    }

    @Test
    void aPrometheusTriggerWithoutAQueryShowsOne() {
        PlanException e = error(PlanFiles.MINIMAL + """
                cutover:
                  prometheus:
                    url: http://prometheus.internal:9090
                  triggers:
                    - name: errors
                      metric: error_rate
                      provider: prometheus
                      condition: '> 1%'
                      action: alert
                """);

        assertThat(e.getMessage()).contains("missing field 'query' in 'cutover.triggers[0]': provider prometheus runs "
                + "the trigger's own query, a PromQL expression giving one number. Add it, for example: query: "
                + "sum(rate(http_requests_total{status=~\"5..\"}[{window}])) / sum(rate(http_requests_total[{window}]))"
                + " * 100.");
    }

    @Test
    void aPlanWithoutTriggersHasNone() {
        Plan plan = PlanFiles.load(dir, PlanFiles.MINIMAL);

        assertThat(plan.cutover()).isEqualTo(CutoverSettings.DEFAULTS);
        assertThat(plan.cutover().triggers()).isEmpty();
        assertThat(PlanFiles.load(dir, PlanFiles.MINIMAL + "cutover:\n  triggers: []\n").cutover().triggers()).isEmpty();
    }

    @Test
    void theSettingsCanBeGivenOtherTriggersAndKeepThemThroughOtherChanges() {
        TriggerSpec trigger = TriggerSpec.of("errors", Metric.ERROR_RATE, Condition.parse("> 2%", Metric.ERROR_RATE),
                TriggerAction.ALERT, Optional.empty());

        CutoverSettings settings = CutoverSettings.DEFAULTS.withTriggers(List.of(trigger))
                .withWritePauseBudget(Duration.ofSeconds(10));

        assertThat(settings.triggers()).containsExactly(trigger);
        assertThat(settings.writePauseBudget()).isEqualTo(Duration.ofSeconds(10));
        assertThat(CutoverSettings.DEFAULTS.triggers()).isEmpty();
    }

    @Test
    void aNameUsedTwiceNamesTheFirstUse() {
        PlanException e = error(TRIGGERS + """
                    - name: errors
                      metric: error_rate
                      condition: '> 2%'
                      action: alert
                    - name: errors
                      metric: latency_p99
                      condition: '> 800ms'
                      action: alert
                """);

        assertThat(e).hasMessage(at(16, 13) + "cutover.triggers[1].name: trigger 'errors' is defined twice (first as "
                + "cutover.triggers[0].name on line 12). Give each trigger a name of its own.");
        assertThat(e.field()).isEqualTo("cutover.triggers[1].name");
    }

    @Test
    void aWindowShorterThanTheIntervalIsRefused() {
        PlanException e = error(TRIGGERS + """
                    - name: errors
                      metric: error_rate
                      condition: '> 2%'
                      action: alert
                      interval: 1m
                      window: 30s
                """);

        assertThat(e).hasMessage(at(17, 15) + "cutover.triggers[0].window (30s) is shorter than the trigger's interval "
                + "(1m), so part of the time between evaluations would never be read. Make the window at least 1m.");
        assertThat(e.suggestion()).contains("1m");
    }

    @Test
    void theDefaultWindowIsCheckedAgainstAWrittenInterval() {
        PlanException e = error(TRIGGERS + """
                    - name: errors
                      metric: error_rate
                      condition: '> 2%'
                      action: alert
                      interval: 5m
                """);

        assertThat(e.getMessage()).contains("cutover.triggers[0].window (1m) is shorter than the trigger's interval (5m)");
        assertThat(e.line()).as("the entry, since the window is not written").isEqualTo(12);
    }

    @Test
    void aRollbackWithoutADeadlineIsRefused() {
        PlanException e = error(TRIGGERS + """
                    - name: errors
                      metric: error_rate
                      condition: '> 2%'
                      action: rollback
                """);

        assertThat(e).hasMessage(at(12, 7) + "missing field 'deadline' in 'cutover.triggers[0]': a rollback trigger "
                + "says how long the rollback may take. Add it, for example: deadline: 2m.");
        assertThat(e.field()).isEqualTo("cutover.triggers[0].deadline");
    }

    @Test
    void aConditionInAUnitThatDoesNotFitTheMetricIsRefusedAtTheCondition() {
        PlanException e = error(TRIGGERS + """
                    - name: errors
                      metric: error_rate
                      condition: '> 800ms'
                      action: alert
                """);

        assertThat(e).hasMessage(at(14, 18) + "cutover.triggers[0].condition: '> 800ms' is a time, but error_rate is "
                + "a percentage. Write it as > 2%, or as a multiple of the baseline such as > 2x baseline.");
        assertThat(e.expected()).contains("a condition such as > 2% or > 2x baseline");
    }

    @Test
    void aConditionWithoutAUnitSuggestsOne() {
        PlanException e = error(TRIGGERS + """
                    - name: slow
                      metric: latency_p95
                      condition: < 300
                      action: alert
                """);

        assertThat(e.getMessage()).contains("'< 300' has no unit, and latency_p95 is a time: write < 300ms");
        assertThat(e.suggestion()).contains("< 300ms");
    }

    @Test
    void anUnquotedConditionIsExplained() {
        PlanException e = error(TRIGGERS + """
                    - name: errors
                      metric: error_rate
                      condition: > 2%
                      action: alert
                """);

        assertThat(e).hasMessage(at(14, 18) + "the file is not valid YAML: a value starting with '>' or '|' opens a "
                + "block of text in YAML. To write a comparison, put it in quotes, as in condition: '> 2%'.");
    }

    @Test
    void aMisspelledMetricSuggestsTheKnownOne() {
        PlanException e = error(TRIGGERS + """
                    - name: errors
                      metric: error-rate
                      condition: '> 2%'
                      action: alert
                """);

        assertThat(e).hasMessage(at(13, 15) + "cutover.triggers[0].metric: expected error_rate or latency_p50 or "
                + "latency_p95 or latency_p99 or latency_max or throughput or lag, got 'error-rate'. Did you mean 'error_rate'?");
    }

    @Test
    void anActionIsRequired() {
        PlanException e = error(TRIGGERS + """
                    - name: errors
                      metric: error_rate
                      condition: '> 2%'
                """);

        assertThat(e).hasMessage(at(12, 7) + "missing required field 'action' in 'cutover.triggers[0]'. Add it, for "
                + "example: action: rollback.");
    }

    @Test
    void aBlankPatternIsRefused() {
        PlanException e = error(TRIGGERS + """
                    - name: errors
                      metric: error_rate
                      condition: '> 2%'
                      action: alert
                      pattern: ' '
                """);

        assertThat(e).hasMessage(at(16, 16) + "cutover.triggers[0].pattern is blank. Write at most 1000 characters, "
                + "or leave the field out.");
    }

    @Test
    void anUnknownFieldInATriggerListsTheKnownOnes() {
        PlanException e = error(TRIGGERS + """
                    - name: errors
                      metric: error_rate
                      treshold: '> 2%'
                """);

        assertThat(e).hasMessage(at(14, 7) + "unknown field 'treshold' in 'cutover.triggers[0]'. Known fields: name, "
                + "metric, provider, query, pattern, condition, interval, window, min-samples, consecutive, action, "
                + "owner, deadline, on-inconclusive.");
    }

    @Test
    void theExampleInTheTriggersPageIsAValidPlan() throws IOException {
        String page = Files.readString(RepositoryRoot.find().resolve("docs/triggers.md"));
        Matcher block = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL).matcher(page);
        assertThat(block.find()).as("docs/triggers.md has a yaml example").isTrue();

        Plan plan = PlanFiles.load(dir, PlanFiles.MINIMAL + block.group(1));

        assertThat(plan.cutover().triggers()).extracting(TriggerSpec::name)
                .containsExactly("payment_errors", "slow_checkout", "traffic_stopped", "checkout_slow",
                        "checkout_errors", "stream_back_behind");
        assertThat(plan.cutover().triggers().get(2).onInconclusive()).isEqualTo(OnInconclusive.BREACH);
        assertThat(plan.cutover().triggers()).extracting(TriggerSpec::provider)
                .containsExactly(ProviderKind.ROUTER, ProviderKind.ROUTER, ProviderKind.ROUTER, ProviderKind.SQL,
                        ProviderKind.PROMETHEUS, ProviderKind.LAG);
        assertThat(plan.cutover().prometheus()).isPresent();
    }
}
