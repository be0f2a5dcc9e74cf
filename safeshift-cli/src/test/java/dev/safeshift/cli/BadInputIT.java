package dev.safeshift.cli;

import static dev.safeshift.cli.Databases.scalar;
import static dev.safeshift.cli.Databases.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.safeshift.plan.Endpoint;
import dev.safeshift.testing.EmbeddedPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.PGReplicationStream;

/** Each kind of bad input gets its own message, a specific exit code, and no stack trace. */
class BadInputIT {

    @TempDir
    Path directory;

    private record Outcome(int exitCode, String error) {
    }

    private Outcome safeshift(String... args) {
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(err, true), args);
        String text = err.toString();
        assertThat(text).as("no stack trace without --debug").doesNotContain("\tat ");
        return new Outcome(code, text);
    }

    private Path plan(String name, Endpoint source, Endpoint target, String table) throws Exception {
        return PlanFiles.write(directory, name, source, target, table, "");
    }

    @Test
    void unreachableHostOrPort() throws Exception {
        Endpoint target = EmbeddedPostgres.newDatabase("unreachable_target");
        Endpoint nowhere = Endpoint.of("jdbc:postgresql://127.0.0.1:1/shop", "postgres");
        Outcome outcome = safeshift("run", plan("unreachable", nowhere, target, "public.t").toString());
        assertThat(outcome.exitCode()).isEqualTo(3);
        assertThat(outcome.error()).contains("source").contains("127.0.0.1:1");
    }

    @Test
    void unknownHost() throws Exception {
        Endpoint target = EmbeddedPostgres.newDatabase("unknown_host_target");
        Endpoint nowhere = Endpoint.of("jdbc:postgresql://no-such-host.invalid:5432/shop", "postgres");
        Outcome outcome = safeshift("run", plan("unknownhost", nowhere, target, "public.t").toString());
        assertThat(outcome.exitCode()).isEqualTo(3);
        assertThat(outcome.error()).contains("source").contains("no-such-host.invalid");
    }

    @Test
    void authenticationFailureNamesTheUserAndHidesThePassword() throws Exception {
        Endpoint target = EmbeddedPostgres.newDatabase("auth_target");
        sql(target, "DO $$ BEGIN CREATE ROLE alice LOGIN PASSWORD 'right'; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
        Path file = directory.resolve("auth.yaml");
        Files.writeString(file, """
                name: auth
                source:
                  url: %s
                  user: alice
                  password: ${SAFESHIFT_TEST_PASSWORD}
                target:
                  url: %s
                  user: postgres
                tables:
                  - source: public.t
                """.formatted(target.url(), target.url()));
        // The password comes from the environment, so the command runs as a child process that has it.
        Path outputFile = directory.resolve("auth-output.log");
        Process process = ChildProcess.start(directory, outputFile, Map.of("SAFESHIFT_TEST_PASSWORD", "wrong-secret"),
                "run", file.toString());
        process.waitFor();
        String output = Files.readString(outputFile);
        assertThat(process.exitValue()).as(output).isEqualTo(3);
        assertThat(output).contains("alice").containsIgnoringCase("authentication").doesNotContain("wrong-secret")
                .doesNotContain("\tat ");
    }

    @Test
    void walLevelNotLogicalSaysHowToFixIt() throws Exception {
        try (io.zonky.test.db.postgres.embedded.EmbeddedPostgres replicaOnly =
                     io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder().start()) {
            Endpoint source = Endpoint.of(replicaOnly.getJdbcUrl("postgres", "postgres"), "postgres");
            sql(source, "CREATE TABLE t (id int PRIMARY KEY)");
            Endpoint target = EmbeddedPostgres.newDatabase("wal_target");
            Outcome outcome = safeshift("run", plan("wal", source, target, "public.t").toString());
            assertThat(outcome.exitCode()).isEqualTo(4);
            assertThat(outcome.error()).contains("wal_level").contains("ALTER SYSTEM SET wal_level = logical").contains("restart");
        }
    }

    @Test
    void tableWithoutPrimaryKey() throws Exception {
        Endpoint source = EmbeddedPostgres.newDatabase("nopk_source");
        Endpoint target = EmbeddedPostgres.newDatabase("nopk_target");
        sql(source, "CREATE TABLE public.events (id int, payload text)");
        Outcome outcome = safeshift("run", plan("nopk", source, target, "public.events").toString());
        assertThat(outcome.exitCode()).isEqualTo(5);
        assertThat(outcome.error()).contains("public.events has no primary key").contains("ADD PRIMARY KEY");
    }

    @Test
    void deferrablePrimaryKey() throws Exception {
        Endpoint source = EmbeddedPostgres.newDatabase("deferrable_source");
        Endpoint target = EmbeddedPostgres.newDatabase("deferrable_target");
        sql(source, "CREATE TABLE public.slots (id int PRIMARY KEY DEFERRABLE INITIALLY DEFERRED)");
        Outcome outcome = safeshift("run", plan("deferrable", source, target, "public.slots").toString());
        assertThat(outcome.exitCode()).isEqualTo(5);
        assertThat(outcome.error()).contains("DEFERRABLE primary key").contains("NOT DEFERRABLE");
    }

    @Test
    void unsupportedColumnType() throws Exception {
        Endpoint source = EmbeddedPostgres.newDatabase("type_source");
        Endpoint target = EmbeddedPostgres.newDatabase("type_target");
        sql(source, "CREATE TABLE public.places (id int PRIMARY KEY, location point, opens timetz)");
        Outcome outcome = safeshift("run", plan("types", source, target, "public.places").toString());
        assertThat(outcome.exitCode()).isEqualTo(5);
        assertThat(outcome.error()).contains("\"opens\" (time with time zone").contains("columns:")
                .doesNotContain("location");
    }

    @Test
    void targetTableWithDifferentColumns() throws Exception {
        Endpoint source = EmbeddedPostgres.newDatabase("conflict_source");
        Endpoint target = EmbeddedPostgres.newDatabase("conflict_target");
        sql(source, "CREATE TABLE public.orders (id int PRIMARY KEY, total numeric(10,2))");
        sql(target, "CREATE TABLE public.orders (id int PRIMARY KEY, total text, note text)");
        Outcome outcome = safeshift("run", plan("conflict", source, target, "public.orders").toString());
        assertThat(outcome.exitCode()).isEqualTo(6);
        assertThat(outcome.error()).contains("already exists with a different definition")
                .contains("column \"total\" is text, the source has numeric(10,2)")
                .contains("column \"note\" text is not among the columns moved from the source");
    }

    @Test
    void aSlotThisMigrationDidNotCreateIsLeftAlone() throws Exception {
        Endpoint source = EmbeddedPostgres.newDatabase("slot_source");
        Endpoint target = EmbeddedPostgres.newDatabase("slot_target");
        // another tool's slot, named as an older Safeshift would have named this migration's, and in use
        sql(source, "CREATE TABLE public.items (id int PRIMARY KEY)", "INSERT INTO public.items VALUES (1), (2)",
                "SELECT pg_create_logical_replication_slot('safeshift_busy', 'test_decoding')");
        Properties properties = new Properties();
        PGProperty.USER.set(properties, "postgres");
        PGProperty.REPLICATION.set(properties, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(properties, "10");
        PGProperty.PREFER_QUERY_MODE.set(properties, "simple");
        // the other tool's stream reads nothing; without this the server would end it after a minute
        PGProperty.OPTIONS.set(properties, "-c wal_sender_timeout=0");
        Path plan = plan("busy", source, target, "public.items");
        Path output = directory.resolve("daemon-output.log");
        try (Connection replication = java.sql.DriverManager.getConnection(source.url(), properties);
             PGReplicationStream stream = replication.unwrap(PGConnection.class).getReplicationAPI()
                     .replicationStream().logical().withSlotName("safeshift_busy").start()) {
            Process daemon = ChildProcess.start(directory, output, Map.of(), "run", plan.toString());
            try {
                await().atMost(Duration.ofMinutes(2)).until(() -> !daemon.isAlive()
                        || Files.exists(output) && Files.readString(output).contains("Streaming changes"));
                assertThat(daemon.isAlive()).as("daemon running; its output: %s", Files.readString(output)).isTrue();
                assertThat(scalar(source, "SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'safeshift\\_busy\\_%'"))
                        .as("the migration's own slot").isEqualTo("1");
                assertThat(scalar(source, "SELECT active FROM pg_replication_slots WHERE slot_name = 'safeshift_busy'"))
                        .as("the other tool's slot, untouched").isEqualTo("t");
                assertThat(safeshift("stop", plan.toString()).exitCode()).isZero();
                // a stop that comes while the change stream is still attaching waits for that to end, which
                // the stream bounds at a minute; the slots, not the stop's speed, are what this test is about
                assertThat(daemon.waitFor(150, TimeUnit.SECONDS)).as("the daemon stopped; its output: %s",
                        Files.readString(output)).isTrue();
            } finally {
                daemon.destroyForcibly();
            }
        }
        Outcome aborted = safeshift("abort", plan.toString(), "--yes");
        assertThat(aborted.exitCode()).isZero();
        assertThat(scalar(source, "SELECT string_agg(slot_name, ',') FROM pg_replication_slots WHERE database = current_database()"))
                .isEqualTo("safeshift_busy");
    }

    @Test
    void malformedYaml() throws Exception {
        Path file = directory.resolve("broken.yaml");
        Files.writeString(file, "name: broken\nsource: [unclosed\n");
        Outcome outcome = safeshift("validate", file.toString());
        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.error()).containsPattern("broken\\.yaml:\\d+:\\d+: the file is not valid YAML")
                .contains("starts on line 2");
    }

    @Test
    void unknownFieldSuggestsTheClosestOne() throws Exception {
        Endpoint db = Endpoint.of("jdbc:postgresql://127.0.0.1:5432/x", "postgres");
        Path file = PlanFiles.write(directory, "typo", db, db, "public.t", "copy:\n  rows-per-chunck: 1000\n");
        Outcome outcome = safeshift("validate", file.toString());
        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.error()).contains("typo.yaml:").contains("rows-per-chunck").contains("rows-per-chunk");
    }

    @Test
    void missingEnvironmentVariable() throws Exception {
        Path file = directory.resolve("env.yaml");
        Files.writeString(file, """
                name: env
                source:
                  url: jdbc:postgresql://127.0.0.1:5432/a
                  user: migrator
                  password: ${SAFESHIFT_SURELY_UNSET_VARIABLE}
                target:
                  url: jdbc:postgresql://127.0.0.1:5432/b
                  user: migrator
                tables:
                  - source: public.t
                """);
        Outcome outcome = safeshift("validate", file.toString());
        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.error()).contains("SAFESHIFT_SURELY_UNSET_VARIABLE").contains("not set");
    }
}
