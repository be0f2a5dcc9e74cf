package dev.safeshift.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.safeshift.plan.PlanReference;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pushes a thousand and more damaged plans through {@code safeshift validate}, in this process, and
 * holds it to its contract for each: it exits with a code from README's table (for validate, 0 or 2),
 * says something a person can read and never shows a Java stack trace or class name, and answers
 * within seconds. The seed is printed; {@code -Dsafeshift.fuzzSeed=N} runs the same plans again.
 */
class PlanFuzzTest {

    private static final int PLANS = 1_200;
    private static final Duration PER_RUN = Duration.ofSeconds(5);
    /** README's exit code table. */
    private static final Set<Integer> DOCUMENTED_EXIT_CODES = Set.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11);
    private static final Pattern JAVA_CLASS = Pattern.compile("\\b(?:java|javax|org|com|dev)\\.[a-z]+\\.[\\w.$]*[A-Z]\\w*");

    @TempDir
    Path dir;

    private record Run(int exitCode, String stdout, String stderr) {

        String output() {
            return stdout + stderr;
        }
    }

    @Test
    void validateAnswersEveryDamagedPlanWithAMessageAndExitCode() throws Exception {
        long seed = Long.getLong("safeshift.fuzzSeed", new SecureRandom().nextLong());
        System.out.println("Plan fuzzing with seed " + seed + "; repeat with -Dsafeshift.fuzzSeed=" + seed);
        PlanMutations mutations = new PlanMutations(new Random(seed));
        List<String> bases = bases();
        Path file = dir.resolve("plan.yaml");
        Map<Integer, Integer> exitCodes = new TreeMap<>();
        long slowestNanos = 0;
        long started = System.nanoTime();

        for (int i = 0; i < PLANS; i++) {
            byte[] plan = mutations.mutate(bases.get(i % bases.size()));
            Files.write(file, plan);
            long runStarted = System.nanoTime();
            int number = i;
            Run run = assertTimeoutPreemptively(PER_RUN, () -> validate(file),
                    () -> "plan " + number + " of seed " + seed + " took over " + PER_RUN.toSeconds() + " s: " + shown(plan));
            slowestNanos = Math.max(slowestNanos, System.nanoTime() - runStarted);
            exitCodes.merge(run.exitCode(), 1, Integer::sum);

            String what = "plan " + i + " of seed " + seed + ": " + shown(plan) + "\noutput: " + shorten(run.output());
            assertThat(run.exitCode()).as(what).isIn(DOCUMENTED_EXIT_CODES).isIn(0, 2);
            String input = new String(plan, StandardCharsets.UTF_8);
            for (String trace : new String[] {"\tat ", "Exception", "Error:"}) {
                if (!input.contains(trace)) {
                    assertThat(run.output()).as(what).doesNotContain(trace);
                }
            }
            if (!JAVA_CLASS.matcher(input).find()) {
                assertThat(run.output()).as(what).doesNotContainPattern(JAVA_CLASS);
            }
            if (run.exitCode() == 0) {
                assertThat(run.stdout()).as(what).contains(" is valid: ");
            } else {
                assertThat(run.stderr()).as(what).startsWith("error: " + file);
            }
        }

        System.out.printf("%d plans in %.1f s, slowest %.2f s; exit codes %s%n", PLANS,
                (System.nanoTime() - started) / 1e9, slowestNanos / 1e9, exitCodes);
        // Damage is random, but a fair share must still validate, or the checks above test nothing but errors.
        assertThat(exitCodes.getOrDefault(0, 0)).as("plans that stayed valid").isGreaterThan(PLANS / 40);
        assertThat(exitCodes.getOrDefault(2, 0)).as("plans refused").isGreaterThan(PLANS / 4);
    }

    @Test
    void everyStartingPlanIsValid() throws Exception {
        Path file = dir.resolve("plan.yaml");
        for (String base : bases()) {
            Files.writeString(file, base);

            Run run = validate(file);

            assertThat(run.exitCode()).as(base + "\n" + run.output()).isZero();
        }
    }

    /** The shipped example and a few other shapes, without passwords, whose variables this process may not have. */
    private static List<String> bases() throws IOException {
        String example = Files.readString(repositoryRoot().resolve("examples/plan.yaml"));
        return List.of(
                withoutPasswords(example),
                withoutPasswords(PlanReference.exampleYaml()),
                """
                name: payments_move
                source:
                  url: jdbc:postgresql://old-db:5432/shop
                  user: migrator
                target:
                  url: jdbc:postgresql://new-db:5432/shop
                  user: migrator
                tables:
                  - source: payments
                """,
                """
                {name: orders_move, source: {url: 'jdbc:postgresql://a:5432/shop', user: u},
                 target: {url: 'jdbc:postgresql://b:5432/shop', user: u},
                 tables: [{source: '"Sales Ops"."order-lines.2026"', target: sales.order_lines,
                           columns: [id, '"Amount (€)"', ünïcødé, a$b], existing-rows: replace}],
                 retry: {give-up-after: 30m}, stream: {warn-retained-wal: 512MB}}
                """,
                """
                name: quoted_move
                source:
                  url: jdbc:postgresql://old-db:5432/shop?sslmode=require
                  user: "Migrator"
                target:
                  url: jdbc:postgresql://new-db:5432/shop
                  user: migrator
                tables:
                  - source: '"Orders"'
                    target: archive."Orders ""2026""\"
                    columns:
                      - id
                      - '"Customer Id"'
                  - source: orders
                control:
                  url: jdbc:postgresql://ops-db:5432/ops
                  user: keeper
                  schema: shift_state
                verify:
                  every: 2h30m
                  sample: 0.5%
                owners:
                  - {name: Ana Lima, role: migration lead}
                """);
    }

    private static String withoutPasswords(String plan) {
        return plan.replaceAll("(?m)^ *password: .*\n", "");
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("examples/plan.yaml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no examples/plan.yaml above " + Path.of("").toAbsolutePath());
    }

    /** Runs validate as the command line does, with standard output and errors both captured. */
    private static synchronized Run validate(Path file) {
        PrintStream original = System.out;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        StringWriter stderr = new StringWriter();
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        try {
            int code = Main.execute(new PrintWriter(stderr, true), "validate", file.toString());
            return new Run(code, stdout.toString(StandardCharsets.UTF_8), stderr.toString());
        } finally {
            System.setOut(original);
        }
    }

    private static String shown(byte[] plan) {
        return shorten(new String(plan, StandardCharsets.UTF_8));
    }

    private static String shorten(String text) {
        return text.length() > 3_000 ? text.substring(0, 3_000) + "... (" + text.length() + " characters)" : text;
    }
}
