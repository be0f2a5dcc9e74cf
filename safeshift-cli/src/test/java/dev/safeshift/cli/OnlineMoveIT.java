package dev.safeshift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safeshift.cli.demo.RowByRow;
import dev.safeshift.engine.Engine;
import dev.safeshift.engine.Engines;
import dev.safeshift.plan.ControlSpec;
import dev.safeshift.plan.CopySettings;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.Plan;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.plan.TableSpec;
import dev.safeshift.store.ControlStore;
import dev.safeshift.testing.EmbeddedPostgres;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OnlineMoveIT {

    private static final long ROWS = 200_000;

    @Test
    void movesEveryColumnTypeWhileTheSourceIsBeingWritten() throws Exception {
        Endpoint source = EmbeddedPostgres.newDatabase("move_source");
        Endpoint target = EmbeddedPostgres.newDatabase("move_target");
        try (Connection connection = EmbeddedPostgres.connect(source)) {
            AllTypesTable.create(connection, ROWS);
        }
        Plan plan = new Plan(null, "everything", source, target,
                List.of(new TableSpec(new QualifiedName("public", "everything"), new QualifiedName("public", "everything"), List.of())),
                new ControlSpec(Optional.empty(), ControlSpec.DEFAULT_SCHEMA), new CopySettings(2, 20_000), Optional.empty(),
                List.of());

        System.setProperty("safeshift.rowCountCheckpointSeconds", "1");
        AllTypesWriter writer = new AllTypesWriter(source, ROWS, 300).start();
        try (ControlStore store = ControlStore.open(target, ControlSpec.DEFAULT_SCHEMA);
             Engine engine = Engines.forEndpoints(source, target)) {
            DaemonThread daemon = DaemonThread.start(plan, store, engine);
            assertThat(daemon.awaitStreaming(store, "everything")).isNull();
            Thread.sleep(5_000);
            writer.close();

            Convergence.awaitIdentical(source, target, "public.everything", Duration.ofMinutes(2), daemon::failure);
            assertThat(daemon.stop()).isNull();

            List<String> checkpoints = store.timeline(store.require("everything").id()).stream()
                    .filter(event -> event.kind().equals("row-count-checkpoint"))
                    .map(event -> event.detail())
                    .toList();
            assertThat(checkpoints).anySatisfy(detail -> assertThat(detail)
                    .contains("\"stage\":\"during backfill\"").contains("\"consistent\":true"));
            assertThat(checkpoints).last().satisfies(detail -> assertThat(detail)
                    .contains("\"stage\":\"backfill complete\"").contains("\"consistent\":true"));
        } finally {
            System.clearProperty("safeshift.rowCountCheckpointSeconds");
        }

        RowByRow.Result result = RowByRow.compare(source, "public.everything", target, "public.everything", "id");
        assertThat(result.differences()).isEmpty();
        assertThat(result.identical()).isTrue();
        assertThat(result.sourceRows()).isGreaterThan(ROWS / 2);
        for (String kind : List.of("insert", "update", "toast-update", "delete", "key-update")) {
            assertThat(writer.count(kind)).as("writes of kind " + kind).isPositive();
        }
    }
}
