package dev.safeshift.cli;

import static dev.safeshift.cli.Databases.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.safeshift.plan.Endpoint;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.Phase;
import dev.safeshift.testing.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon that runs out of memory says so in one line: what ran out, the heap's maximum and the
 * setting to raise, with exit code 1 and the stack trace only in the log.
 */
class OutOfMemoryIT {

    private static final String TABLE = "CREATE TABLE public.huge (id int PRIMARY KEY, body text)";
    /** 200 MB of text, stored compressed in a few kilobytes: it only grows when read. */
    private static final String HUGE_ROW = "INSERT INTO public.huge VALUES (1, repeat('x', 200 * 1024 * 1024))";

    @TempDir
    Path directory;

    private final Slots slots = new Slots();

    @AfterEach
    void dropSlots() throws Exception {
        slots.close();
    }

    private Path output;

    @BeforeEach
    void output() {
        output = directory.resolve("output.txt");
    }

    @Test
    void aValueLargerThanTheHeapInTheCopyEndsTheDaemonWithOneLineThatSaysWhatToRaise() throws Exception {
        Endpoint source = slots.source(EmbeddedPostgres.newDatabase("oom_copy_source"));
        Endpoint target = EmbeddedPostgres.newDatabase("oom_copy_target");
        sql(source, TABLE, HUGE_ROW);
        Path plan = PlanFiles.write(directory, "copy", source, target, "public.huge", "");

        Process daemon = ChildProcess.start(directory, output, Map.of(), List.of("-Xmx64m"), "run", plan.toString());
        assertOneLineAboutMemory(daemon, "while copying a chunk of public.huge");
    }

    @Test
    void aValueLargerThanTheHeapInTheStreamEndsTheDaemonWithOneLineThatSaysWhatToRaise() throws Exception {
        Endpoint source = slots.source(EmbeddedPostgres.newDatabase("oom_stream_source"));
        Endpoint target = EmbeddedPostgres.newDatabase("oom_stream_target");
        sql(source, TABLE);
        Path plan = PlanFiles.write(directory, "stream", source, target, "public.huge", "");

        Process daemon = ChildProcess.start(directory, output, Map.of(), List.of("-Xmx64m"), "run", plan.toString());
        try (ControlStore store = ControlStore.open(target, "safeshift")) {
            await().atMost(Duration.ofMinutes(2)).until(() -> !daemon.isAlive()
                    || store.find("stream").map(m -> m.phase() == Phase.STREAMING).orElse(false));
        }
        sql(source, HUGE_ROW);
        assertOneLineAboutMemory(daemon, "while streaming changes");
    }

    private void assertOneLineAboutMemory(Process daemon, String doing) throws Exception {
        assertThat(daemon.waitFor(3, TimeUnit.MINUTES)).isTrue();
        String printed = Files.readString(output);
        assertThat(daemon.exitValue()).as(printed).isEqualTo(1);
        List<String> errors = printed.lines().filter(line -> line.contains("error:")).toList();
        assertThat(errors).as(printed).hasSize(1);
        assertThat(errors.get(0)).contains("ran out of memory (Java heap space) " + doing)
                .contains("The Java heap's maximum is").contains("SAFESHIFT_JAVA_OPTS=-Xmx1g ./safeshift")
                .contains("-Xmx1g on the java command line");
        assertThat(printed).doesNotContain("\tat ").doesNotContain("Exception in thread")
                .doesNotContain("Self-suppression");
        assertThat(Files.readString(directory.resolve("safeshift.log"))).contains("java.lang.OutOfMemoryError");
    }
}
