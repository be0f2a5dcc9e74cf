package dev.safeshift.cli;

import static dev.safeshift.cli.Databases.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.safeshift.cli.demo.RowByRow;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.Phase;
import dev.safeshift.testing.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The target table is created without its primary key, which is built with the secondary indexes
 * after the copy. A daemon killed with SIGKILL in the middle of those builds, while their sessions
 * still run in the server, must be resumed exactly by the next one: the key there, no row twice,
 * every index valid, and the target equal to the source row for row under a concurrent writer.
 */
class KeyBuildKillIT {

    private static final long ROWS = 40_000;
    private static final String NAME = "keykill";
    private static final String TABLE = "public.everything";
    /** The index builds of the daemon, waiting for a lock: what the test holds them on. */
    private static final String WAITING_BUILDS = "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            + " AND query ILIKE 'CREATE%INDEX%' AND datname = current_database()";

    @TempDir
    Path directory;

    @Test
    void killNineDuringTheKeyAndIndexBuildIsResumedExactly() throws Exception {
        Endpoint source = EmbeddedPostgres.newDatabase("keykill_source");
        Endpoint target = EmbeddedPostgres.newDatabase("keykill_target");
        try (Connection connection = EmbeddedPostgres.connect(source)) {
            AllTypesTable.create(connection, ROWS);
        }
        Path plan = PlanFiles.write(directory, NAME, source, target, TABLE,
                "copy:\n  parallelism: 2\n  rows-per-chunk: 4000\n");

        try (AllTypesWriter writer = new AllTypesWriter(source, ROWS, 200).start();
             DaemonProcesses daemons = new DaemonProcesses(directory);
             ControlStore store = ControlStore.open(target, "safeshift");
             Connection holder = EmbeddedPostgres.connect(target)) {
            Process first = daemons.start(plan, "daemon-1.log");
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(5))
                    .until(() -> !first.isAlive() || scalar(target, "SELECT to_regclass('" + TABLE + "')") != null);
            // ROW EXCLUSIVE lets the copy's COPY in and keeps every CREATE INDEX out until the test lets go.
            holder.setAutoCommit(false);
            try (Statement statement = holder.createStatement()) {
                statement.execute("LOCK TABLE " + TABLE + " IN ROW EXCLUSIVE MODE");
            }
            await().atMost(Duration.ofMinutes(2)).until(() -> !first.isAlive() || !waitingBuilds(target).isEmpty());
            assertThat(first.isAlive()).as("daemon output: %s", daemons.logs()).isTrue();
            assertThat(primaryKeys(target)).as("the key is built after the copy").isZero();
            assertThat(scalar(target, "SELECT count(*) FROM safeshift.pending_key")).isEqualTo("1");

            Set<Integer> killedBuilds = waitingBuilds(target);
            first.destroyForcibly(); // SIGKILL: its builds' sessions live on in the server
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();

            Process second = daemons.start(plan, "daemon-2.log");
            await().atMost(Duration.ofMinutes(2)).until(() -> !second.isAlive()
                    || waitingBuilds(target).stream().anyMatch(pid -> !killedBuilds.contains(pid)));
            assertThat(second.isAlive()).as("daemon output: %s", daemons.logs()).isTrue();
            holder.commit();
            daemons.awaitPhase(store, NAME, Phase.STREAMING, second);
            Thread.sleep(2_000);
            writer.close();
            Convergence.awaitIdentical(source, target, TABLE, Duration.ofMinutes(2), () -> null);

            assertThat(primaryKeys(target)).as("the key, once").isEqualTo(1);
            assertThat(scalar(target, "SELECT count(*) - count(DISTINCT id) FROM " + TABLE)).isEqualTo("0");
            assertThat(scalar(target, "SELECT string_agg(c.relname || ':' || i.indisvalid || ':' || i.indisready, ', '"
                    + " ORDER BY c.relname) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                    + " WHERE i.indrelid = '" + TABLE + "'::regclass"))
                    .isEqualTo("everything_pkey:true:true, everything_v_idx:true:true");
            assertThat(scalar(target, "SELECT count(*) FROM safeshift.pending_key")).isEqualTo("0");
            assertThat(Main.execute("stop", plan.toString())).isZero();
            assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("daemon stops on request").isTrue();
        }
        RowByRow.Result result = RowByRow.compare(source, TABLE, target, TABLE, "id");
        assertThat(result.differences()).isEmpty();
        assertThat(result.identical()).isTrue();
    }

    private static Set<Integer> waitingBuilds(Endpoint target) throws Exception {
        Set<Integer> pids = new HashSet<>();
        try (Connection connection = EmbeddedPostgres.connect(target); Statement statement = connection.createStatement();
             var rows = statement.executeQuery(WAITING_BUILDS)) {
            while (rows.next()) {
                pids.add(rows.getInt(1));
            }
        }
        return pids;
    }

    private static int primaryKeys(Endpoint target) throws Exception {
        return Integer.parseInt(scalar(target, "SELECT count(*) FROM pg_constraint WHERE contype = 'p'"
                + " AND conrelid = '" + TABLE + "'::regclass"));
    }
}
