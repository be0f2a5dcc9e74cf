package dev.safeshift.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.safeshift.engine.Engine;
import dev.safeshift.engine.Engines;
import dev.safeshift.engine.TableComparer;
import dev.safeshift.engine.TableMove;
import dev.safeshift.plan.ControlSpec;
import dev.safeshift.plan.CopySettings;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.Plan;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.plan.TableSpec;
import dev.safeshift.plan.VerifySchedule;
import dev.safeshift.run.MigrationDaemon;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.StatusFormatter;
import dev.safeshift.store.VerificationSummary;
import dev.safeshift.testing.EmbeddedPostgres;
import dev.safeshift.verify.LogMarkBarrier;
import dev.safeshift.verify.RowDifference;
import dev.safeshift.verify.Scope;
import dev.safeshift.verify.TableVerdict;
import dev.safeshift.verify.VerificationReport;
import dev.safeshift.verify.Verifier;
import dev.safeshift.verify.VerifyListener;
import dev.safeshift.verify.VerifySettings;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Test;

/**
 * Verification while the migration is live: a writer keeps changing the source and the daemon's
 * stream keeps applying, so chunks are often caught mid-change. None of that may be reported as a
 * difference; a difference made on purpose must be.
 */
class VerifyUnderWritesIT {

    private static final long ROWS = 40_000;
    private static final int RUNS = 10;

    @Test
    void reportsNothingWhileChangesAreInFlightAndFindsARealDifference() throws Exception {
        Endpoint source = EmbeddedPostgres.newDatabase("vw_source");
        Endpoint target = EmbeddedPostgres.newDatabase("vw_target");
        try (Connection connection = EmbeddedPostgres.connect(source)) {
            AllTypesTable.create(connection, ROWS);
        }
        TableSpec spec = new TableSpec(new QualifiedName("public", "everything"), new QualifiedName("public", "everything"), List.of());
        Plan plan = new Plan(null, "verify_live", source, target, List.of(spec),
                new ControlSpec(Optional.empty(), ControlSpec.DEFAULT_SCHEMA), new CopySettings(2, 20_000),
                // the daemon's own schedule: due at once when streaming starts, then hourly
                Optional.of(new VerifySchedule(Duration.ofHours(1), OptionalDouble.of(50))), List.of());

        try (AllTypesWriter writer = new AllTypesWriter(source, ROWS, 200).start();
             ControlStore store = ControlStore.open(target, ControlSpec.DEFAULT_SCHEMA);
             Engine engine = Engines.forEndpoints(source, target)) {
            try (DaemonThread daemon = DaemonThread.start(plan, store, engine)) {
                assertThat(daemon.awaitStreaming(store, "verify_live")).isNull();

                TableMove move = new TableMove(engine.describeSource(spec), spec.target());
                // Small chunks, so that many of them are checked while rows in them change.
                VerifySettings settings = VerifySettings.DEFAULTS.withParallelism(2).withRowsPerChunk(4_000);
                List<TableVerdict> verdicts = new ArrayList<>();
                try (TableComparer comparer = engine.openComparer(2)) {
                    Verifier verifier = new Verifier(comparer, settings,
                            Optional.of(new LogMarkBarrier(engine, MigrationDaemon.captureName(store,
                                    store.require(plan.name()).id()).orElseThrow())), VerifyListener.NONE);
                    for (int run = 0; run < RUNS; run++) {
                        VerificationReport report = verifier.verify(plan.name(), List.of(move), Scope.full());
                        TableVerdict verdict = report.tables().get(0);
                        verdicts.add(verdict);
                        assertThat(verdict.differences()).as("differences reported in run " + run).isEmpty();
                        assertThat(verdict.unsettledKeys()).as("undecided keys in run " + run).isEmpty();
                        assertThat(report.notes()).as("notes of run " + run).isEmpty();
                    }
                    assertThat(daemon.failure()).isNull();
                    // The runs saw changes in flight (chunks that differed at first sight) and cleared them.
                    assertThat(verdicts.stream().mapToInt(TableVerdict::chunksMismatched).sum()).isPositive();
                    assertThat(writer.count("update")).isPositive();

                    // The scheduled verification ran alongside, under the same writes, and was clean.
                    long id = store.require("verify_live").id();
                    await().atMost(Duration.ofMinutes(1)).until(() -> store.lastVerification(id).isPresent());
                    VerificationSummary scheduled = store.lastVerification(id).orElseThrow();
                    assertThat(scheduled.clean()).isTrue();
                    assertThat(scheduled.scope().samplePercent()).hasValue(50);
                    assertThat(store.timeline(id)).anyMatch(event -> event.kind().equals("verification"));
                    assertThat(new StatusFormatter().text(store.status("verify_live"))).contains("Last verification: clean");

                    // A row that only the target has, with a key the writer never uses.
                    try (Connection connection = EmbeddedPostgres.connect(target);
                         Statement statement = connection.createStatement()) {
                        statement.execute("INSERT INTO public.everything (id, t) VALUES (-5, 'only in the target')");
                    }
                    VerificationReport report = verifier.verify(plan.name(), List.of(move), Scope.full());
                    assertThat(report.tables().get(0).differences())
                            .extracting(RowDifference::kind, RowDifference::key)
                            .containsExactly(org.assertj.core.groups.Tuple.tuple(RowDifference.Kind.EXTRA_IN_TARGET, List.of("-5")));
                }
                assertThat(daemon.stop()).isNull();
            }
        }
    }
}
