package dev.safeshift.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.Plan;
import dev.safeshift.plan.PlanLoader;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.TriggerRecord;
import dev.safeshift.testing.EmbeddedPostgres;
import dev.safeshift.trigger.MetricProviders;
import dev.safeshift.trigger.TriggerAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Triggers with provider {@code sql}, from a plan file to a fired rollback: the baseline is the
 * query's value on the source, each evaluation its value on the target.
 */
class TriggerWatchSqlIT {

    @TempDir
    Path dir;

    private static void execute(Endpoint database, String... statements) throws SQLException {
        try (Connection connection = EmbeddedPostgres.connect(database);
             Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    @Test
    void aSqlTriggerComparesTheTargetWithTheSourcesBaselineAndFires() throws Exception {
        Endpoint source = EmbeddedPostgres.newDatabase("watch_source");
        Endpoint target = EmbeddedPostgres.newDatabase("watch_target");
        execute(source, "CREATE TABLE checkout_stats (failed_percent numeric, checkouts bigint)",
                "INSERT INTO checkout_stats VALUES (1.0, 400)", "CREATE TABLE only_on_source (x int)");
        execute(target, "CREATE TABLE checkout_stats (failed_percent numeric, checkouts bigint)",
                "INSERT INTO checkout_stats VALUES (5.0, 300)");
        Path file = Files.writeString(dir.resolve("plan.yaml"), """
                name: watched
                source:
                  url: %s
                  user: postgres
                target:
                  url: %s
                  user: postgres
                tables:
                  - source: payments
                cutover:
                  triggers:
                    - name: checkout_failures
                      metric: error_rate
                      provider: sql
                      query: select failed_percent as value, checkouts as samples from checkout_stats
                      condition: '> 2x baseline'
                      interval: 1s
                      window: 1s
                      min-samples: 100
                      consecutive: 2
                      action: rollback
                      deadline: 1m
                    - name: broken_on_target
                      metric: throughput
                      provider: sql
                      query: select count(*) / {window_seconds}.0 as value from only_on_source
                      condition: '< 1/s'
                      interval: 1s
                      window: 1s
                      action: alert
                """.formatted(source.url(), target.url()));
        Plan plan = PlanLoader.load(file, Map.of());

        try (ControlStore store = ControlStore.open(target, "safeshift");
             MetricProviders providers = MetricProviders.forPlan(plan, 0)) {
            long migration = store.register(plan.name(), "{}").id();
            List<String> problems = TriggerWatch.measureBaselines(store, migration, plan.cutover().triggers(),
                    providers);
            assertThat(problems).isEmpty();
            assertThat(store.baselines(migration)).extracting(TriggerRecord::trigger, TriggerRecord::samples)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("checkout_failures", 400L),
                            org.assertj.core.groups.Tuple.tuple("broken_on_target", 1L));

            List<String> said = new ArrayList<>();
            TriggerWatch watch = new TriggerWatch(store, migration, plan.cutover().triggers(), providers, "test",
                    said::add);
            Optional<TriggerWatch.Fired> fired = Optional.empty();
            for (int i = 0; i < 50 && fired.isEmpty(); i++) {
                Thread.sleep(100);
                fired = watch.evaluateDue();
            }

            assertThat(fired).as("the second breach in a row fires").isPresent();
            assertThat(fired.get().trigger().action()).isEqualTo(TriggerAction.ROLLBACK);
            assertThat(fired.get().evaluation().reason()).isEqualTo("error rate 5% is above 2%, 2x the baseline of 1%"
                    + " (300 samples); 2 of 2 consecutive breaches: the trigger fires (rollback)");
            List<TriggerRecord> evaluations = store.evaluations(migration);
            assertThat(evaluations).filteredOn(e -> e.trigger().equals("broken_on_target")).isNotEmpty()
                    .allSatisfy(e -> {
                        assertThat(e.verdict()).isEqualTo("INCONCLUSIVE");
                        assertThat(e.reason()).contains("the sql provider could not be read: the trigger's sql query"
                                + " failed on the target", "only_on_source", "SQLState 42P01");
                    });
            assertThat(said).anyMatch(line -> line.startsWith("Trigger checkout_failures fired"));
        }
    }
}
