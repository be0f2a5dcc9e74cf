package dev.safeshift.cli;

import static dev.safeshift.cli.Databases.sql;
import static org.assertj.core.api.Assertions.assertThat;

import dev.safeshift.LogValues;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.store.ControlStore;
import dev.safeshift.testing.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows are customer data: when the target refuses a row, neither the terminal nor the log file shows
 * the row's values, only what went wrong and where (SQLSTATE, table, constraint). Asked for with
 * SAFESHIFT_LOG_VALUES=1 (or --log-values), they are shown.
 */
class RowValuesIT {

    private static final String TABLE = "CREATE TABLE public.notes (id int PRIMARY KEY, note text)";

    @TempDir
    Path directory;

    private final Slots slots = new Slots();

    @AfterEach
    void dropSlots() throws Exception {
        slots.close();
    }

    /** A value that appears nowhere but in the rows: if it is in a message, a row leaked into it. */
    private final String marker = "MARKER" + UUID.randomUUID().toString().replace("-", "");

    @Test
    void aUniqueViolationWhileStreamingNamesTheConstraintNotTheRow() throws Exception {
        Endpoint source = slots.source(EmbeddedPostgres.newDatabase("leak_unique_source"));
        Endpoint target = EmbeddedPostgres.newDatabase("leak_unique_target");
        sql(source, TABLE, "INSERT INTO public.notes SELECT g, 'note ' || g FROM generate_series(1, 10) g");
        sql(target, TABLE, "CREATE UNIQUE INDEX notes_note_key ON public.notes (note)");
        Path plan = PlanFiles.write(directory, "unique", source, target, "public.notes", "");

        Run first = runUntilStreamingThen(plan, target, "unique", Map.of(), () -> sql(source,
                "INSERT INTO public.notes VALUES (100, '" + marker + "')",
                "INSERT INTO public.notes VALUES (101, '" + marker + "')"));
        assertThat(first.exitCode).as(first.output).isEqualTo(6);
        assertThat(first.output).contains("SQLSTATE 23505").contains("notes_note_key");
        first.assertNoMarker();

        Run asked = run(plan, Map.of(LogValues.VARIABLE, "1"));
        assertThat(asked.exitCode).as(asked.output).isEqualTo(6);
        assertThat(asked.output).contains(marker);
        assertThat(asked.log).contains(marker);
    }

    @Test
    void anInvalidInputWhileStreamingNamesTheTypeNotTheValue() throws Exception {
        Endpoint source = slots.source(EmbeddedPostgres.newDatabase("leak_input_source"));
        Endpoint target = EmbeddedPostgres.newDatabase("leak_input_target");
        sql(source, TABLE, "INSERT INTO public.notes SELECT g, g::text FROM generate_series(1, 10) g");
        // the target checks what arrives: a note must read as a number
        sql(target, TABLE, "CREATE FUNCTION numeric_note() RETURNS trigger LANGUAGE plpgsql AS "
                        + "$$ BEGIN PERFORM NEW.note::int; RETURN NEW; END $$",
                "CREATE TRIGGER numeric_note BEFORE INSERT OR UPDATE ON public.notes FOR EACH ROW EXECUTE FUNCTION numeric_note()",
                // the stream applies as a replica (as logical replication does), where only ALWAYS triggers fire
                "ALTER TABLE public.notes ENABLE ALWAYS TRIGGER numeric_note");
        Path plan = PlanFiles.write(directory, "input", source, target, "public.notes", "");

        Run first = runUntilStreamingThen(plan, target, "input", Map.of(),
                () -> sql(source, "UPDATE public.notes SET note = '" + marker + "' WHERE id = 3"));
        assertThat(first.exitCode).as(first.output).isEqualTo(6);
        assertThat(first.output).contains("SQLSTATE 22P02").contains("invalid input syntax for type integer");
        first.assertNoMarker();

        Run asked = run(plan, Map.of(LogValues.VARIABLE, "1"));
        assertThat(asked.exitCode).as(asked.output).isEqualTo(6);
        assertThat(asked.output).contains(marker);
        assertThat(asked.log).contains(marker);
    }

    @Test
    void aChunkCopyTheTargetRefusesNamesTheConstraintNotTheRow() throws Exception {
        Endpoint source = slots.source(EmbeddedPostgres.newDatabase("leak_copy_source"));
        Endpoint target = EmbeddedPostgres.newDatabase("leak_copy_target");
        sql(source, TABLE, "INSERT INTO public.notes SELECT g, CASE WHEN g IN (5, 6) THEN '" + marker
                + "' ELSE 'note ' || g END FROM generate_series(1, 10) g");
        sql(target, TABLE, "CREATE UNIQUE INDEX notes_note_key ON public.notes (note)");
        Path plan = PlanFiles.write(directory, "copy", source, target, "public.notes", "");

        Run first = run(plan, Map.of());
        assertThat(first.exitCode).as(first.output).isEqualTo(1);
        assertThat(first.output).contains("copying a chunk").contains("SQLSTATE 23505").contains("notes_note_key");
        first.assertNoMarker();

        Run asked = run(plan, Map.of(LogValues.VARIABLE, "1"));
        assertThat(asked.exitCode).as(asked.output).isEqualTo(1);
        assertThat(asked.output).contains(marker);
        assertThat(asked.log).contains(marker);
    }

    private interface Action {
        void run() throws Exception;
    }

    /** The terminal output and log file of one daemon run, which ended with {@code exitCode}. */
    private final class Run {
        final int exitCode;
        final String output;
        final String log;

        Run(int exitCode, String output, String log) {
            this.exitCode = exitCode;
            this.output = output;
            this.log = log;
        }

        void assertNoMarker() {
            assertThat(output).as("terminal output").doesNotContain(marker);
            assertThat(log).as("log file").doesNotContain(marker).isNotEmpty();
        }
    }

    private int runs;

    private Run run(Path plan, Map<String, String> environment) throws Exception {
        Process daemon = start(plan, environment);
        assertThat(daemon.waitFor(3, TimeUnit.MINUTES)).as("the daemon stops on the failure").isTrue();
        return finished(daemon);
    }

    private Run runUntilStreamingThen(Path plan, Endpoint target, String name, Map<String, String> environment,
                                      Action action) throws Exception {
        Process daemon = start(plan, environment);
        try (ControlStore store = ControlStore.open(target, "safeshift")) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMinutes(2)).until(() -> !daemon.isAlive()
                    || store.find(name).map(m -> m.phase() == dev.safeshift.store.Phase.STREAMING).orElse(false));
        }
        action.run();
        assertThat(daemon.waitFor(2, TimeUnit.MINUTES)).as("the daemon stops on the failure").isTrue();
        return finished(daemon);
    }

    private Process start(Path plan, Map<String, String> environment) throws Exception {
        runs++;
        Path runDirectory = Files.createDirectories(directory.resolve("run" + runs));
        return ChildProcess.start(runDirectory, runDirectory.resolve("output.txt"), environment, "run", plan.toString());
    }

    private Run finished(Process daemon) throws Exception {
        Path runDirectory = directory.resolve("run" + runs);
        return new Run(daemon.exitValue(), Files.readString(runDirectory.resolve("output.txt")),
                Files.readString(runDirectory.resolve("safeshift.log")));
    }
}
